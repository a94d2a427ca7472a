"use client";

import Link from "next/link";
import { type FormEvent, useState } from "react";
import {
  Card,
  Field,
  FormMessage,
  SubmitButton,
  linkStyle,
  secondaryButtonStyle,
} from "@/components/ui";
import { authClient } from "@/lib/auth-client";
import { useHydrated } from "@/lib/forms/use-hydrated";
import { useOrganizations } from "@/lib/use-organizations";

/** Better Auth's roles: an owner may do everything, an admin all but delete it or touch owners. */
const ROLES = ["member", "admin", "owner"] as const;
type Role = (typeof ROLES)[number];

const selectStyle =
  "rounded-lg border border-zinc-300 bg-white px-2 py-1.5 text-sm dark:border-zinc-700 dark:bg-zinc-950";

/** The active organization's members, roles and pending invitations. */
export function Members({ userId }: { userId: string }) {
  const { active: organization, loading, error: readError, reload } = useOrganizations();
  const [message, setMessage] = useState<string>();
  const [inviteMessage, setInviteMessage] = useState<string>();
  const [pending, setPending] = useState(false);
  const hydrated = useHydrated();

  if (loading) {
    return <div className="h-32 animate-pulse rounded-xl bg-zinc-100 dark:bg-zinc-800" />;
  }
  if (!organization) {
    return (
      <Card>
        <p className="text-sm">
          {readError && `${readError} `}You have no active organization:{" "}
          <Link href="/organizations" className={linkStyle}>
            create or choose one
          </Link>
          .
        </p>
      </Card>
    );
  }

  const mine = organization.members.find((member) => member.userId === userId);
  const myRoles = (mine?.role ?? "").split(",");
  const manages = myRoles.includes("owner") || myRoles.includes("admin");
  const invitations = organization.invitations.filter((i) => i.status === "pending");

  async function changed(result: Promise<{ error: { message?: string } | null }>, what: string) {
    const { error } = await result;
    setMessage(error ? `${what}: ${error.message ?? "refused"}.` : undefined);
    await reload();
  }

  async function invite(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = event.currentTarget;
    const data = new FormData(form);
    setPending(true);
    const { error } = await authClient.organization.inviteMember({
      email: String(data.get("inviteEmail")).trim(),
      role: String(data.get("inviteRole")) as Role,
    });
    setPending(false);
    if (error) {
      setInviteMessage(`No invitation was sent: ${error.message}.`);
      return;
    }
    setInviteMessage(undefined);
    form.reset();
    await reload();
  }

  return (
    <div className="space-y-8">
      <Card aria-label={`Members of ${organization.name}`}>
        <h2 className="mb-4 text-lg font-semibold">{organization.name}</h2>
        <ul aria-label="Members" className="space-y-2">
          {organization.members.map((member) => (
            <li
              key={member.id}
              data-member={member.user.email}
              className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-zinc-200 px-3 py-2 dark:border-zinc-800"
            >
              <span className="min-w-0 text-sm">
                <span className="font-medium">{member.user.name || member.user.email}</span>
                <span className="ml-2 wrap-anywhere text-zinc-600 dark:text-zinc-400">
                  {member.user.email}
                </span>
              </span>
              {manages && member.userId !== userId ? (
                <span className="flex flex-wrap items-center gap-2">
                  <label className="sr-only" htmlFor={`role-${member.id}`}>
                    Role of {member.user.email}
                  </label>
                  <select
                    id={`role-${member.id}`}
                    className={selectStyle}
                    value={member.role}
                    onChange={(event) =>
                      void changed(
                        authClient.organization.updateMemberRole({
                          memberId: member.id,
                          role: event.target.value as Role,
                        }),
                        "The role did not change",
                      )
                    }
                  >
                    {ROLES.map((role) => (
                      <option key={role} value={role}>
                        {role}
                      </option>
                    ))}
                  </select>
                  <button
                    type="button"
                    className={secondaryButtonStyle}
                    onClick={() =>
                      void changed(
                        authClient.organization.removeMember({ memberIdOrEmail: member.id }),
                        `${member.user.email} was not removed`,
                      )
                    }
                  >
                    Remove
                  </button>
                </span>
              ) : (
                <span className="text-sm text-zinc-600 dark:text-zinc-400">
                  {member.role}
                  {member.userId === userId && " (you)"}
                </span>
              )}
            </li>
          ))}
        </ul>
        <FormMessage>{message}</FormMessage>
      </Card>
      {manages && (
        <Card aria-label="Invite someone">
          <form onSubmit={invite} className="space-y-4">
            <h2 className="text-lg font-semibold">Invite someone</h2>
            <Field
              name="inviteEmail"
              label="Their email"
              type="email"
              autoComplete="off"
              required
              hint="They get a link that works for two days, for that address only."
            />
            <div className="space-y-1.5">
              <label htmlFor="inviteRole" className="block text-sm font-medium">
                Their role
              </label>
              <select
                id="inviteRole"
                name="inviteRole"
                className={selectStyle}
                defaultValue="member"
              >
                {ROLES.map((role) => (
                  <option key={role} value={role}>
                    {role}
                  </option>
                ))}
              </select>
            </div>
            <FormMessage>{inviteMessage}</FormMessage>
            <SubmitButton pending={pending} disabled={!hydrated || pending}>
              Send the invitation
            </SubmitButton>
          </form>
          {invitations.length > 0 && (
            <ul aria-label="Pending invitations" className="mt-6 space-y-2">
              {invitations.map((invitation) => (
                <li
                  key={invitation.id}
                  className="flex flex-wrap items-center justify-between gap-3 rounded-lg border border-dashed border-zinc-300 px-3 py-2 dark:border-zinc-700"
                >
                  <span className="text-sm">
                    <span className="wrap-anywhere">{invitation.email}</span>, invited as{" "}
                    {invitation.role}
                  </span>
                  <button
                    type="button"
                    className={secondaryButtonStyle}
                    onClick={() =>
                      void changed(
                        authClient.organization.cancelInvitation({ invitationId: invitation.id }),
                        "The invitation was not cancelled",
                      )
                    }
                  >
                    Cancel
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Card>
      )}
    </div>
  );
}
