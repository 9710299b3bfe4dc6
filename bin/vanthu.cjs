#!/usr/bin/env node
// npm's "bin" entry for global installs: a plain Node script, because npm's Windows shims cannot
// run the POSIX shell stage at the top of bin/vanthu. It runs bin/vanthu's JavaScript launcher
// in this same process (no snapshot fast path; ./bin/vanthu keeps it on POSIX).
require('./vanthu');
