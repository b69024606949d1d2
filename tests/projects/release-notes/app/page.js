import { notes } from "../lib/notes.mjs";

export const dynamic = "force-dynamic";

export default function Home() {
  return (
    <main>
      <img src="/logo.svg" alt="logo" width="48" height="48" />
      <h1>Release notes</h1>
      <ul>
        {notes().map((n) => (
          <li key={n.version}>
            {n.version}: {n.summary}
          </li>
        ))}
      </ul>
    </main>
  );
}
