"use client";

import Link from "next/link";
import { useEffect, useState } from "react";
import { Card, buttonStyle, linkStyle, secondaryButtonStyle } from "@/components/ui";
import { authClient } from "@/lib/auth-client";

type Details = { organizationName: string; inviterEmail: string; role: string; email: string };

/** Why an invitation cannot be answered, in words. */
function describe(error: { code?: string; message?: string }): string {
  if (error.code === "EMAIL_VERIFICATION_REQUIRED_BEFORE_ACCEPTING_OR_REJECTING_INVITATION") {
    return "Confirm your email first (follow the link we mailed you), then come back to this page.";
  }
  if (error.code === "INVITATION_NOT_FOUND") {
    return "This invitation is not for this account, has expired, or was answered already.";
  }
  return error.message ?? "Something went wrong.";
}

export function Invitation({ id }: { id: string }) {
  const [details, setDetails] = useState<Details>();
  const [message, setMessage] = useState<string>();
  const [done, setDone] = useState<"accepted" | "declined">();

  useEffect(() => {
    void authClient.organization.getInvitation({ query: { id } }).then(({ data, error }) => {
      if (error) setMessage(describe(error));
      else setDetails(data as Details);
    });
  }, [id]);

  async function answer(accept: boolean) {
    const { error } = accept
      ? await authClient.organization.acceptInvitation({ invitationId: id })
      : await authClient.organization.rejectInvitation({ invitationId: id });
    if (error) setMessage(describe(error));
    else setDone(accept ? "accepted" : "declined");
  }

  return (
    <Card aria-label="The invitation">
      <div aria-live="polite" className="space-y-4 text-sm">
        {done === "accepted" ? (
          <p>
            You joined {details?.organizationName}, now your active organization.{" "}
            <Link href="/organizations/members" className={linkStyle}>
              See its members
            </Link>
            .
          </p>
        ) : done === "declined" ? (
          <p>You declined the invitation to {details?.organizationName}.</p>
        ) : details ? (
          <>
            <p>
              {details.inviterEmail} invited you to join <strong>{details.organizationName}</strong>{" "}
              as {details.role}.
            </p>
            <div className="flex flex-wrap gap-2">
              <button type="button" className={buttonStyle} onClick={() => void answer(true)}>
                Join {details.organizationName}
              </button>
              <button
                type="button"
                className={secondaryButtonStyle}
                onClick={() => void answer(false)}
              >
                Decline
              </button>
            </div>
          </>
        ) : !message ? (
          <div className="h-16 animate-pulse rounded-lg bg-zinc-100 dark:bg-zinc-800" />
        ) : null}
        {message && <p className="text-red-700 dark:text-red-400">{message}</p>}
      </div>
    </Card>
  );
}
