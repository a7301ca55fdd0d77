package io.agentwatch.store;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The bundled migrations as tests of a migration's fill need them: a store written before that migration. */
final class BundledMigrations {

  private static final Pattern CREATED =
      Pattern.compile("CREATE (?:TABLE|VIEW|MATERIALIZED VIEW) IF NOT EXISTS (\\w+)", Pattern.CASE_INSENSITIVE);

  private BundledMigrations() {}

  /**
   * Every bundled migration but {@code version} and those after it that name a table it creates
   * (or one such a left-out migration creates): the other later ones stay, as today's encoder writes
   * the columns they add to flows.
   */
  static List<Migration> without(int version) {
    Set<String> missing = new HashSet<>();
    List<Migration> kept = new ArrayList<>();
    for (Migration migration : Migrations.bundledFiles()) {
      String statements = withoutComments(migration);
      if (migration.version() == version || missing.stream().anyMatch(table -> names(statements, table))) {
        Matcher created = CREATED.matcher(statements);
        while (created.find()) {
          missing.add(created.group(1));
        }
      } else {
        kept.add(migration);
      }
    }
    return kept;
  }

  private static boolean names(String statements, String table) {
    return Pattern.compile("\\b" + table + "\\b").matcher(statements).find();
  }

  private static String withoutComments(Migration migration) {
    return String.join("\n", migration.statements()).replaceAll("(?m)^\\s*--.*$", "");
  }
}
