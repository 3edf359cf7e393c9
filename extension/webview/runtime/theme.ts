// Chart colours from VS Code's theme (the webview gets its colours as CSS variables).
export interface ChartTheme {
  foreground: string;
  grid: string;
  band: string;
  series: string[];
}

function variable(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

export function chartTheme(): ChartTheme {
  return {
    foreground: variable('--vscode-foreground', '#cccccc'),
    grid: variable('--vscode-editorWidget-border', 'rgba(128,128,128,0.3)'),
    band: variable('--vscode-editorWarning-foreground', '#cca700'),
    series: [
      '--vscode-charts-blue',
      '--vscode-charts-orange',
      '--vscode-charts-green',
      '--vscode-charts-purple',
      '--vscode-charts-red',
      '--vscode-charts-yellow',
    ].map((name, index) => variable(name, ['#3794ff', '#d18616', '#89d185', '#b180d7', '#f14c4c', '#cca700'][index])),
  };
}

/** Calls `onChange` when VS Code switches the theme (it changes the body's class). */
export function onThemeChange(onChange: () => void): void {
  new MutationObserver(onChange).observe(document.body, { attributes: true, attributeFilter: ['class'] });
}
