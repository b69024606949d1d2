import { describeHealth } from './health.js';

async function showHealth() {
  const target = document.getElementById('health');
  try {
    const response = await fetch('/healthz');
    const body = await response.json().catch(() => null);
    const { text, className } = describeHealth(response.status, body);
    target.textContent = text;
    target.className = className;
  } catch (error) {
    target.textContent = `unreachable (${error.message})`;
    target.className = 'failing';
  }
}

showHealth();
