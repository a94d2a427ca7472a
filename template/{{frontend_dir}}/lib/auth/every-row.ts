import type { DBAdapter } from "better-auth";

/** What reading rows takes of Better Auth's database adapter (any of its instances). */
type Reader = Pick<DBAdapter, "findMany">;
export type Where = Parameters<Reader["findMany"]>[0]["where"];

/** How many rows one query reads, page after page. */
const PAGE_ROWS = 10_000;

/**
 * Every row of `model` that matches `where`, read page by page: Better Auth's own reads stop at
 * 100 rows (its default limit), so a user's 101st session, or a list's 100,001st entry, is not
 * left out.
 */
export async function everyRow<T>(adapter: Reader, model: string, where: Where): Promise<T[]> {
  const rows: T[] = [];
  for (let offset = 0; ; offset += PAGE_ROWS) {
    const page = await adapter.findMany<T>({
      model,
      where,
      limit: PAGE_ROWS,
      offset,
      sortBy: { field: "id", direction: "asc" },
    });
    rows.push(...page);
    if (page.length < PAGE_ROWS) return rows;
  }
}
