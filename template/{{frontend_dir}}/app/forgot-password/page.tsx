import { Card, PageTitle } from "@/components/ui";
import { ForgotPasswordForm } from "./forgot-password-form";

export default function ForgotPasswordPage() {
  return (
    <div className="mx-auto max-w-sm">
      <PageTitle lead="We mail you a link to choose a new one.">Forgot your password?</PageTitle>
      <Card>
        <ForgotPasswordForm />
      </Card>
    </div>
  );
}
