/**
 * @module Go's standard logger line format (`2009/11/10 23:00:00 message`), which agnhost
 * writes to stderr.
 */
export function goLogLine(message: string, date = new Date()): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${date.getFullYear()}/${p(date.getMonth() + 1)}/${p(date.getDate())} ${p(date.getHours())}:${p(date.getMinutes())}:${p(date.getSeconds())} ${message}\n`;
}

export function log(message: string): void {
  process.stderr.write(goLogLine(message));
}
