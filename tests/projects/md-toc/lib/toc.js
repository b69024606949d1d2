function slug(text) {
  return text.trim().toLowerCase().replace(/[^\w\s-]/g, '').replace(/\s+/g, '-');
}

function toc(markdown) {
  const lines = [];
  let inFence = false;
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) inFence = !inFence;
    const m = !inFence && /^(#{1,6})\s+(.*)$/.exec(line);
    if (m) lines.push(`${'  '.repeat(m[1].length - 1)}- [${m[2].trim()}](#${slug(m[2])})`);
  }
  return lines.join('\n');
}

module.exports = { toc, slug };
