import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { PageTitle, secondaryButtonStyle } from "@/components/ui";
import { auth } from "@/lib/auth";
import { loginUrl } from "@/lib/navigation";
import { Organizations } from "./organizations";

export default async function OrganizationsPage() {
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) redirect(loginUrl("/organizations"));

  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-x-4">
        <PageTitle lead="The organizations you belong to. The active one is in your API tokens: its endpoints answer you, with your role there.">
          Organizations
        </PageTitle>
        <div className="mb-8 flex flex-wrap gap-2">
          <Link href="/organizations/members" className={secondaryButtonStyle}>
            Members
          </Link>
          <Link href="/dashboard" className={secondaryButtonStyle}>
            Dashboard
          </Link>
        </div>
      </div>
      <Organizations />
    </>
  );
}
