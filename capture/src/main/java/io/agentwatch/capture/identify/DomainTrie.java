package io.agentwatch.capture.identify;

import io.agentwatch.capture.identify.EndpointCatalogFile.DomainPattern;
import java.util.Arrays;

/**
 * Host-name patterns, label by label from the right, and the lookup that finds the most specific
 * one for a name. A lookup walks the name's labels in place: no substring, no lower-casing copy,
 * no regular expression; it allocates nothing (the caller passes the {@link CatalogHit} to fill).
 *
 * <p>Which pattern wins: the one that matches the most labels of the name ({@code a.example.com}
 * beats {@code example.com} for {@code x.a.example.com}); among patterns that match as many, the
 * one that matches literally further to the right ({@code bedrock-runtime.us-east-1.amazonaws.com}
 * beats {@code bedrock-runtime.*.amazonaws.com}, which beats {@code *.us-east-1.amazonaws.com} for
 * a name they all match), because the walk tries literal labels first, then labels with a
 * wildcard part, then whole-label wildcards, and keeps the first of the deepest matches.
 */
final class DomainTrie {

  /** What a pattern says about a name; {@code captures}: the wildcard's text is the resource. */
  record Entry(EndpointMatch match, boolean captures) {}

  private final Node root = new Node();

  /** Stores {@code entry} for the pattern, replacing what an earlier pattern said about the same names. */
  void put(DomainPattern pattern, Entry entry) {
    Node node = root;
    String[] labels = pattern.labels();
    for (int i = labels.length - 1; i >= 0; i--) {
      node = node.child(labels[i]);
    }
    if (!pattern.subdomainsOnly()) {
      node.name = entry;
    }
    node.subdomains = entry;
    node.subdomainsCapture = pattern.subdomainsOnly();
  }

  /**
   * Finds the most specific pattern matching {@code name} (ASCII case-insensitive, one trailing dot
   * ignored) and fills {@code hit}; returns whether one matched.
   */
  boolean find(String name, CatalogHit hit) {
    hit.clear();
    if (name == null || name.isEmpty()) {
      return false;
    }
    int end = name.charAt(name.length() - 1) == '.' ? name.length() - 1 : name.length();
    if (end == 0) {
      return false;
    }
    walk(root, name, end, 0, -1, -1, hit);
    return hit.match() != null;
  }

  /**
   * At {@code node}, having matched {@code depth} labels; {@code name[0, end)} is still to match
   * ({@code end} = -1: nothing left). {@code from}/{@code to}: what a wildcard matched so far.
   */
  private static void walk(Node node, String name, int end, int depth, int from, int to, CatalogHit hit) {
    if (end < 0) {
      if (node.name != null) {
        offer(hit, node.name, depth, from, to);
      }
      return;
    }
    int start = name.lastIndexOf('.', end - 1) + 1;
    int next = start == 0 ? -1 : start - 1;
    if (node.subdomains != null && depth > 0) {
      if (node.subdomainsCapture) {
        offer(hit, node.subdomains, depth, start, end);
      } else {
        offer(hit, node.subdomains, depth, from, to);
      }
    }
    if (start == end) {
      return; // an empty label ("a..b"): nothing below matches it
    }
    Node literal = node.literal(name, start, end);
    if (literal != null) {
      walk(literal, name, next, depth + 1, from, to, hit);
    }
    for (int i = 0; i < node.affixCount; i++) {
      String prefix = node.affixPrefixes[i];
      String suffix = node.affixSuffixes[i];
      int length = end - start;
      if (length > prefix.length() + suffix.length()
          && name.regionMatches(true, start, prefix, 0, prefix.length())
          && name.regionMatches(true, end - suffix.length(), suffix, 0, suffix.length())) {
        walk(node.affixNodes[i], name, next, depth + 1, start + prefix.length(), end - suffix.length(), hit);
      }
    }
    if (node.anyLabel != null) {
      walk(node.anyLabel, name, next, depth + 1, start, end, hit);
    }
  }

  private static void offer(CatalogHit hit, Entry entry, int depth, int from, int to) {
    if (depth > hit.depth) {
      boolean captured = entry.captures() && from >= 0;
      hit.set(entry.match(), depth, captured ? from : -1, captured ? to : -1);
    }
  }

  /** One label position: literal children in an open-addressing table, wildcard children aside. */
  private static final class Node {
    private String[] keys = new String[4];
    private Node[] children = new Node[4];
    private int size;
    private String[] affixPrefixes = new String[0];
    private String[] affixSuffixes = new String[0];
    private Node[] affixNodes = new Node[0];
    private int affixCount;
    private Node anyLabel;
    /** The pattern ends here and matches the name itself. */
    private Entry name;
    /** The pattern ends here and matches names with more labels on the left. */
    private Entry subdomains;
    /** Those more labels came from a leading "*.": the label next to this one is the resource. */
    private boolean subdomainsCapture;

    Node child(String label) {
      if (label.equals("*")) {
        if (anyLabel == null) {
          anyLabel = new Node();
        }
        return anyLabel;
      }
      int star = label.indexOf('*');
      if (star >= 0) {
        String prefix = label.substring(0, star);
        String suffix = label.substring(star + 1);
        for (int i = 0; i < affixCount; i++) {
          if (affixPrefixes[i].equals(prefix) && affixSuffixes[i].equals(suffix)) {
            return affixNodes[i];
          }
        }
        affixPrefixes = Arrays.copyOf(affixPrefixes, affixCount + 1);
        affixSuffixes = Arrays.copyOf(affixSuffixes, affixCount + 1);
        affixNodes = Arrays.copyOf(affixNodes, affixCount + 1);
        affixPrefixes[affixCount] = prefix;
        affixSuffixes[affixCount] = suffix;
        affixNodes[affixCount] = new Node();
        return affixNodes[affixCount++];
      }
      Node existing = literal(label, 0, label.length());
      if (existing != null) {
        return existing;
      }
      if ((size + 1) * 2 > keys.length) {
        grow();
      }
      Node child = new Node();
      insert(label, child);
      size++;
      return child;
    }

    /** The literal child for {@code text[start, end)}, compared ignoring ASCII case; or null. */
    Node literal(String text, int start, int end) {
      int mask = keys.length - 1;
      int length = end - start;
      for (int slot = hash(text, start, end) & mask; keys[slot] != null; slot = (slot + 1) & mask) {
        String key = keys[slot];
        if (key.length() == length && text.regionMatches(true, start, key, 0, length)) {
          return children[slot];
        }
      }
      return null;
    }

    private void insert(String key, Node child) {
      int mask = keys.length - 1;
      int slot = hash(key, 0, key.length()) & mask;
      while (keys[slot] != null) {
        slot = (slot + 1) & mask;
      }
      keys[slot] = key;
      children[slot] = child;
    }

    private void grow() {
      String[] oldKeys = keys;
      Node[] oldChildren = children;
      keys = new String[oldKeys.length * 2];
      children = new Node[oldKeys.length * 2];
      for (int i = 0; i < oldKeys.length; i++) {
        if (oldKeys[i] != null) {
          insert(oldKeys[i], oldChildren[i]);
        }
      }
    }

    /** FNV-1a over the lower-cased ASCII characters, so a key and any casing of it hash alike. */
    private static int hash(String text, int start, int end) {
      int hash = 0x811c9dc5;
      for (int i = start; i < end; i++) {
        char c = text.charAt(i);
        if (c >= 'A' && c <= 'Z') {
          c += 'a' - 'A';
        }
        hash = (hash ^ c) * 0x01000193;
      }
      return hash ^ (hash >>> 16);
    }
  }
}
