/** Escapes text for roff: backslashes, leading dots/quotes, and hyphens that are real minus signs. */
function roff(text: string): string {
  return text.replace(/\\/g, '\\e').replace(/^([.'])/, '\\&$1').replace(/-/g, '\\-');
}

/**
 * xrayd(1), generated from the executable's own `--help` so the two never disagree: each option
 * line (`  -b, --bind <host:port>  text`) becomes a tagged paragraph.
 */
export function manPage(version: string, help: string): string {
  const lines = help.split('\n');
  // commander prints `Usage: ...`, a blank line, the (wrapped) description, a blank line, `Options:`
  const description = lines.slice(1, lines.indexOf('Options:')).join(' ').replace(/\s+/g, ' ').trim();
  const options: string[] = [];
  for (const line of lines) {
    const m = /^ {2}(-\S.*?)(?: {2,}(.*))?$/.exec(line);
    if (m) options.push('.TP', `.B ${roff(m[1])}`, roff(m[2] ?? ''));
    else if (/^ {4,}\S/.test(line) && options.length) options.push(roff(line.trim())); // a wrapped description
  }
  return [
    `.TH XRAYD 1 "" "xrayd ${version}" "User Commands"`,
    '.SH NAME',
    'xrayd \\- AWS X\\-Ray daemon with a local backend and web console',
    '.SH SYNOPSIS',
    '.B xrayd',
    '[\\fIoptions\\fR]',
    '.SH DESCRIPTION',
    roff(description),
    '.PP',
    'Receives segments from X\\-Ray SDKs on UDP and relays them to AWS X\\-Ray in signed PutTraceSegments batches, or keeps them locally (\\fB\\-\\-backend local\\fR) and serves the X\\-Ray API and a web console on the TCP address.',
    '.SH OPTIONS',
    ...options,
    '.SH FILES',
    '.TP',
    '.I /etc/amazon/xray/cfg.yaml',
    'The configuration file read when \\fB\\-c\\fR is not given (then \\fI./cfg.yaml\\fR). Command\\-line flags override it.',
    '.TP',
    '.I /usr/lib/systemd/system/xrayd.service',
    'The systemd unit; its state directory is \\fI/var/lib/xrayd\\fR.',
    '.SH SIGNALS',
    'SIGTERM and SIGINT stop intake and deliver what is buffered, then exit; SIGHUP reopens the log file.',
    '.SH SEE ALSO',
    'https://docs.aws.amazon.com/xray/latest/devguide/xray\\-daemon.html',
    '',
  ].join('\n');
}
