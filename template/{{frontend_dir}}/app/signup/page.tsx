import { Card, PageTitle } from "@/components/ui";
import { SignupForm } from "./signup-form";

export default function SignupPage() {
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle lead="It takes a name, an email and a password.">Create an account</PageTitle>
      <Card>
        <SignupForm />
      </Card>
    </div>
  );
}
