export default function LoginPage() {
  return (
    <main className="mx-auto mt-24 max-w-sm rounded-lg border bg-white p-8 shadow-sm">
      <h1 className="text-xl font-semibold">Sign in</h1>
      <p className="mt-2 text-sm text-slate-600">Staff access to Symphonics publications.</p>
    </main>
  );
}
