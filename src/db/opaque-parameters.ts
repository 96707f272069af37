/**
 * SQLite's query planner looks at the values bound to parameters (a LIMIT ?, a LIKE ? prefix, a partial index's
 * WHERE…), and a statement whose plan looked at one is compiled again at its next run with new bindings. With the
 * SQLite in Bun that happens to most of our statements with an index choice or a join: 7–100 µs per run, more than
 * running them (a lookup joining contacts: 10 µs instead of 1). Written `+?`, a parameter is an expression the planner
 * does not read, so a prepared statement stays compiled. The value and its comparison are the same: unary + is a
 * no-op that keeps type and collation, and a parameter has no affinity either way.
 *
 * Rewrites each parameter (?, ?NNN, :name, @name, $name) outside string literals, quoted identifiers and comments.
 */
export function opaqueParameters(sql: string): string {
  let out = "";
  let copied = 0;
  let changed = false;
  const n = sql.length;
  let i = 0;
  while (i < n) {
    const c = sql[i]!;
    if (c === "'" || c === '"' || c === "`" || c === "[") {
      const close = c === "[" ? "]" : c;
      i++;
      while (i < n) {
        if (sql[i] === close) {
          // A doubled quote inside a literal is an escaped quote, not its end.
          if (close !== "]" && sql[i + 1] === close) {
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      i++;
    } else if (c === "-" && sql[i + 1] === "-") {
      const end = sql.indexOf("\n", i);
      i = end < 0 ? n : end + 1;
    } else if (c === "/" && sql[i + 1] === "*") {
      const end = sql.indexOf("*/", i + 2);
      i = end < 0 ? n : end + 2;
    } else if (c === "?" || ((c === ":" || c === "@" || c === "$") && /[A-Za-z_]/.test(sql[i + 1] ?? ""))) {
      out += sql.slice(copied, i) + "+";
      copied = i;
      changed = true;
      i++;
    } else {
      i++;
    }
  }
  return changed ? out + sql.slice(copied) : sql;
}
