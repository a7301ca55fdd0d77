package io.agentwatch.capture.identify;

/** What the endpoint catalog says about a host name. */
public record EndpointMatch(String vendor, String service, String category) {}
