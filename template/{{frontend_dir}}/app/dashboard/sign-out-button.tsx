"use client";

import { secondaryButtonStyle } from "@/components/ui";
import { authClient } from "@/lib/auth-client";

export function SignOutButton() {
  return (
    <button
      type="button"
      className={secondaryButtonStyle}
      onClick={async () => {
        await authClient.signOut();
        // A full page load also drops the API token the page kept in memory.
        window.location.assign("/login");
      }}
    >
      Sign out
    </button>
  );
}
