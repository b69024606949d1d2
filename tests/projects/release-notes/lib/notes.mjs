export function notes() {
  const channel = process.env.RELEASE_CHANNEL || "stable";
  return [
    { version: "1.2.0", summary: `search, on the ${channel} channel` },
    { version: "1.1.0", summary: "dark mode" },
  ];
}
