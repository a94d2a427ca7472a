import { SignupForm } from "./signup-form";

export default function SignupPage() {
  return (
    <>
      <h1>Create an account</h1>
      <SignupForm />
    </>
  );
}
