package io.agentwatch.cli;

import picocli.CommandLine.IVersionProvider;

final class Version implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = AgentWatch.class.getPackage().getImplementationVersion();
    return new String[] {"agentwatch " + (version == null ? "(development build)" : version)};
  }
}
