"use client";

import { type FormEvent, useState } from "react";
import { Card, Field, FormMessage, SubmitButton, secondaryButtonStyle } from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { useHydrated } from "@/lib/forms/use-hydrated";
import { useOrganizations } from "@/lib/use-organizations";

/** A slug from a name, made unique by a few random letters (Better Auth needs one per organization). */
function slugOf(name: string): string {
  const words = name
    .toLowerCase()
    .normalize("NFKD")
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 40);
  const suffix = crypto.getRandomValues(new Uint32Array(1))[0].toString(36);
  return `${words || "organization"}-${suffix}`;
}

/**
 * The person's organizations: the active one, switching to another, leaving one, and a new one.
 * Switching reloads the page: the API client of the tab then fetches a token for it.
 */
export function Organizations() {
  const { list = [], active, loading, error: readError } = useOrganizations();
  const [message, setMessage] = useState<string>();
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  async function create(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const name = String(new FormData(event.currentTarget).get("organizationName")).trim();
    if (!name) return;
    setPending(true);
    setMessage(undefined);
    const { error } = await authClient.organization.create({ name, slug: slugOf(name) });
    setPending(false);
    if (error) {
      setMessage(`The organization was not created: ${error.message}.`);
      return;
    }
    window.location.reload(); // the new organization is the active one
  }

  async function switchTo(organizationId: string) {
    const { error } = await authClient.organization.setActive({ organizationId });
    if (error) setMessage(`Could not switch: ${error.message}.`);
    else window.location.reload();
  }

  async function leave(organizationId: string, name: string) {
    if (!window.confirm(`Leave ${name}? You will need a new invitation to come back.`)) return;
    const { error } = await authClient.organization.leave({ organizationId });
    if (error) setMessage(`You did not leave ${name}: ${error.message}.`);
    else window.location.reload();
  }

  const activeId = active?.id;

  return (
    <div className="space-y-8">
      <Card aria-label="Your organizations">
        {loading ? (
          <div className="h-16 animate-pulse rounded-lg bg-zinc-100 dark:bg-zinc-800" />
        ) : list.length === 0 ? (
          <p className="text-sm">
            You belong to no organization yet: create one below, or accept an invitation from its
            mail.
          </p>
        ) : (
          <ul aria-label="Your organizations" className="space-y-2">
            {list.map((organization) => (
              <li
                key={organization.id}
                data-organization={organization.name}
                className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-zinc-200 px-3 py-2 dark:border-zinc-800"
              >
                <span className="text-sm">
                  <span className="font-medium">{organization.name}</span>
                  {organization.id === activeId && (
                    <span className="ml-2 rounded-full bg-indigo-100 px-2 py-0.5 text-xs font-medium text-indigo-800 dark:bg-indigo-950 dark:text-indigo-200">
                      Active
                    </span>
                  )}
                </span>
                <span className="flex flex-wrap gap-2">
                  {organization.id !== activeId && (
                    <button
                      type="button"
                      className={secondaryButtonStyle}
                      onClick={() => void switchTo(organization.id)}
                    >
                      Switch to {organization.name}
                    </button>
                  )}
                  <button
                    type="button"
                    className={secondaryButtonStyle}
                    onClick={() => void leave(organization.id, organization.name)}
                  >
                    Leave
                  </button>
                </span>
              </li>
            ))}
          </ul>
        )}
      </Card>
      <Card aria-label="A new organization">
        <form onSubmit={create} className="space-y-4">
          <h2 className="text-lg font-semibold">A new organization</h2>
          <Field
            name="organizationName"
            label="Its name"
            required
            maxLength={80}
            autoComplete="organization"
            hint="You will be its owner, and it becomes your active organization."
          />
          <FormMessage>{message ?? readError}</FormMessage>
          <SubmitButton pending={pending} disabled={!hydrated || pending}>
            Create the organization
          </SubmitButton>
        </form>
      </Card>
    </div>
  );
}
