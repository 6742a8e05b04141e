// Starts the Unleash server from the pinned unleash-server package (see package.json) for the
// integration tests: bound to 127.0.0.1 only, everything else from the environment
// (DATABASE_URL, HTTP_PORT, INIT_ADMIN_API_TOKENS, INIT_BACKEND_API_TOKENS, LOG_LEVEL, ...),
// as set by .ci/start-unleash.sh. Prints "unleash up" once the server listens; a failed start
// rejects the top-level await, so the process exits non-zero. SIGTERM/SIGINT shut it down
// gracefully (the server installs those handlers itself).
import { start } from 'unleash-server';

const unleash = await start({ server: { host: '127.0.0.1' } });
console.log(`unleash up: version ${unleash.version}, pid ${process.pid}, http://127.0.0.1:${process.env.HTTP_PORT ?? 4242}`);
