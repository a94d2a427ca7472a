import { headers } from "next/headers";
import Link from "next/link";
import { redirect } from "next/navigation";
import { PageTitle, secondaryButtonStyle } from "@/components/ui";
import { auth } from "@/lib/auth";
import { loginUrl } from "@/lib/navigation";
import { Members } from "./members";

export default async function MembersPage() {
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) redirect(loginUrl("/organizations/members"));

  return (
    <>
      <div className="flex flex-wrap items-start justify-between gap-x-4">
        <PageTitle lead="Who belongs to your active organization, with which role. Owners and admins invite people by mail, change roles and remove members; a change reaches the API within seconds.">
          Members
        </PageTitle>
        <div className="mb-8 flex flex-wrap gap-2">
          <Link href="/organizations" className={secondaryButtonStyle}>
            Organizations
          </Link>
        </div>
      </div>
      <Members userId={session.user.id} />
    </>
  );
}
