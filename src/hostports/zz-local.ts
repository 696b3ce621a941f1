import { createServer } from 'node:net';
import { forwardNatively, loadNativeForwarder } from './native-forwarder.js';
const mod = loadNativeForwarder() as any;
const f = createServer();
await new Promise<void>((r) => f.listen(Number(process.env.PORT ?? 18081), '127.0.0.1', 511, () => r()));
const fwd = forwardNatively(mod, f, { target: { ip: '127.0.0.1', port: 18090 }, io: (process.env.IO as any) ?? 'splice' });
setInterval(() => console.log(JSON.stringify(fwd.stats())), 5000);
