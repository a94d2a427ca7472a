import Link from "next/link";
import { buttonStyle } from "@/components/ui";

/** A reset link that was used already or is too old, and the way to a new one. */
export function ExpiredLink() {
  return (
    <div role="alert" className="space-y-4">
      <p>This link was used already or has expired: each link works once, within an hour.</p>
      <Link href="/forgot-password" className={buttonStyle}>
        Get a new link
      </Link>
    </div>
  );
}
