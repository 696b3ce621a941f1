/**
 * @module The `nginx` image: a generated configuration for the host's nginx, in a prefix
 * directory of its own (config, html, pid, temp dirs), serving the nginx image's welcome page on
 * every TCP containerPort (80 when none), in the foreground, access log on stdout and error log
 * on stderr as the image has them. Pure: returns file contents; the runtime writes them.
 */
import { join } from 'node:path';

/** The nginx image's /usr/share/nginx/html/index.html (612 bytes), as the chapter shows it. */
export const WELCOME_PAGE = `<!DOCTYPE html>
<html>
<head>
<title>Welcome to nginx!</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>Welcome to nginx!</h1>
<p>If you see this page, the nginx web server is successfully installed and
working. Further configuration is required.</p>

<p>For online documentation and support please refer to
<a href="http://nginx.org/">nginx.org</a>.<br/>
Commercial support is available at
<a href="http://nginx.com/">nginx.com</a>.</p>

<p><em>Thank you for using nginx.</em></p>
</body>
</html>
`;

/** The image's 50x.html. */
export const ERROR_PAGE = `<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
`;

export interface NginxFiles {
  /** Relative path under the prefix -> content. */
  files: Record<string, string>;
  /** Directories to create under the prefix. */
  dirs: string[];
  /** argv of the server process. */
  argv: string[];
}

/**
 * The files and command for one nginx container. `ports`: its TCP containerPorts;
 * `asRoot`: the agent runs as root, so workers run as root too (they must read the prefix,
 * which lives in the agent's private data dir; the temp dirs are chowned to that user);
 * `singleProcess`: no workers, the master serves (rootless mode: a worker's initgroups is
 * refused in a user namespace, whatever its user);
 * `mimeTypes`: path of the host's mime.types;
 * `ipv6`: the kernel has IPv6 (the image's entrypoint, 10-listen-on-ipv6-by-default.sh, adds
 * `listen [::]:80;` to default.conf when /proc/net/if_inet6 exists): each port on [::] too, so
 * `localhost` answers on ::1 (busybox's wget tries it first). A pod's network namespace with
 * IPv6 disabled still binds [::] (only a kernel without IPv6 refuses the socket).
 */
export function nginxFiles(prefix: string, options: { ports: number[]; asRoot: boolean; singleProcess?: boolean; nginxPath: string; mimeTypes?: string; ipv6?: boolean }): NginxFiles {
  const ports = options.ports.length ? [...new Set(options.ports)] : [80];
  const html = join(prefix, 'html');
  const temp = join(prefix, 'temp');
  const conf = [
    ...(options.asRoot ? ['user root;'] : []),
    ...(options.singleProcess ? ['master_process off;'] : []),
    'worker_processes 1;',
    'daemon off;',
    'error_log stderr notice;',
    `pid ${join(prefix, 'nginx.pid')};`,
    '',
    'events {',
    '    worker_connections 1024;',
    '}',
    '',
    'http {',
    ...(options.mimeTypes ? [`    include ${options.mimeTypes};`] : ['    types { text/html html htm; text/css css; application/javascript js; }']),
    '    default_type application/octet-stream;',
    '',
    '    log_format main \'$remote_addr - $remote_user [$time_local] "$request" \'',
    '                    \'$status $body_bytes_sent "$http_referer" \'',
    '                    \'"$http_user_agent" "$http_x_forwarded_for"\';',
    '    access_log /dev/stdout main;',
    '',
    `    client_body_temp_path ${join(temp, 'client_body')};`,
    `    proxy_temp_path ${join(temp, 'proxy')};`,
    `    fastcgi_temp_path ${join(temp, 'fastcgi')};`,
    `    uwsgi_temp_path ${join(temp, 'uwsgi')};`,
    `    scgi_temp_path ${join(temp, 'scgi')};`,
    '',
    '    sendfile on;',
    '    keepalive_timeout 65;',
    '',
    '    server {',
    ...ports.flatMap((p) => [`        listen ${p};`, ...(options.ipv6 ? [`        listen [::]:${p};`] : [])]),
    '        server_name localhost;',
    '',
    '        location / {',
    `            root ${html};`,
    '            index index.html index.htm;',
    '        }',
    '',
    '        error_page 500 502 503 504 /50x.html;',
    '        location = /50x.html {',
    `            root ${html};`,
    '        }',
    '    }',
    '}',
    '',
  ].join('\n');
  return {
    files: { 'nginx.conf': conf, 'html/index.html': WELCOME_PAGE, 'html/50x.html': ERROR_PAGE },
    dirs: ['html', 'temp', 'logs'],
    argv: [options.nginxPath, '-p', prefix, '-c', join(prefix, 'nginx.conf'), '-e', 'stderr'],
  };
}
