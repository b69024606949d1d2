import './style.css';
import { createCounter, label } from './counter.js';

const counter = createCounter();
document.querySelector('#app').innerHTML = `
  <h1>Vite counter</h1>
  <button id="counter" type="button">${label(0)}</button>
`;
const button = document.querySelector('#counter');
button.addEventListener('click', () => {
  button.textContent = label(counter.increment());
});
