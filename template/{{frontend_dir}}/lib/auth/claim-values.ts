import { customClaimFields } from "./claims.ts";

/** A custom claim's value as the owner types it (`role=admin`, `tier=2`, `groups=staff,beta`). */
export type ParsedClaim = { name: string; value: unknown } | { error: string };

const FIELDS: Record<string, { type: string }> = customClaimFields;

export function parseClaim(assignment: string | undefined): ParsedClaim {
  const names = Object.keys(FIELDS);
  const known = names.length ? names.join(", ") : "none (add them with copier update)";
  const [name, ...rest] = (assignment ?? "").split("=");
  const text = rest.join("=");
  if (!assignment?.includes("=") || !name) {
    return { error: `Write the claim as name=value, e.g. role=admin. Custom claims: ${known}.` };
  }
  const field = FIELDS[name];
  if (!field) return { error: `${name} is not a custom claim of this project: ${known}.` };
  switch (field.type) {
    case "number": {
      const value = Number(text);
      return text.trim() !== "" && Number.isFinite(value)
        ? { name, value }
        : { error: `${name} is a number: ${JSON.stringify(text)} is not one.` };
    }
    case "boolean":
      return text === "true" || text === "false"
        ? { name, value: text === "true" }
        : { error: `${name} is true or false, not ${JSON.stringify(text)}.` };
    case "string[]": {
      const items = text.split(",").map((item) => item.trim());
      return { name, value: items.filter(Boolean) };
    }
    default:
      return { name, value: text };
  }
}
