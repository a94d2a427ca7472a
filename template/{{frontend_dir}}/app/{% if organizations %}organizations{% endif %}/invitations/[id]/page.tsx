import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { PageTitle } from "@/components/ui";
import { auth } from "@/lib/auth";
import { loginUrl } from "@/lib/navigation";
import { Invitation } from "./invitation";

/** The page an invitation's mail links to: sign in with the invited address, then answer. */
export default async function InvitationPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const session = await auth.api.getSession({ headers: await headers() });
  if (!session) redirect(loginUrl(`/organizations/invitations/${encodeURIComponent(id)}`));

  return (
    <>
      <PageTitle lead={`Signed in as ${session.user.email}.`}>An invitation</PageTitle>
      <Invitation id={id} />
    </>
  );
}
