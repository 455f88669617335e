// Chat panel (browser side).
const root = document.getElementById('root');
if (root) {
  const p = document.createElement('p');
  p.textContent = 'Ask Switchboard anything about your code.';
  root.append(p);
}
