// The one list of system (Debian/Ubuntu) packages the build and the test suite use. `npm test`
// checks it through scripts/provision.mjs before any test runs (and so does `.ci/run`, which
// only runs the README's commands). Each entry names the package and what proves it present:
// a command on PATH or a file. Add a tool here when a test starts using it.

/** @type {{ pkg: string; commands?: string[]; files?: string[]; why: string }[]} */
export const SYSTEM_PACKAGES = [
  { pkg: 'chromium', commands: ['chromium'], why: 'end-to-end tests of the desk (playwright-core drives it)' },
  { pkg: 'poppler-utils', commands: ['pdfsig', 'pdftoppm', 'pdftotext'], why: 'peer verifier, page rendering and text extraction' },
  { pkg: 'qpdf', commands: ['qpdf'], why: 'structural check of every PDF we write' },
  { pkg: 'libnss3-tools', commands: ['certutil', 'pk12util'], why: 'the NSS database pdfsig reads' },
  { pkg: 'softhsm2', commands: ['softhsm2-util'], files: ['/usr/lib/softhsm/libsofthsm2.so'], why: 'a real PKCS#11 token' },
  { pkg: 'opensc', commands: ['pkcs11-tool'], why: 'writing keys and certificates to the token' },
  { pkg: 'openssl', commands: ['openssl'], why: 'test CAs, PKCS#12 files, TSA and OCSP answers' },
  { pkg: 'fonts-liberation2', files: ['/usr/share/fonts/truetype/liberation2/LiberationSerif-Regular.ttf'], why: 'Times-compatible font for rendering checks' },
  { pkg: 'mupdf-tools', commands: ['mutool'], why: 'interop: MuPDF signs and verifies (mutool sign/verify)' },
  { pkg: 'libpodofo-utils', commands: ['podofosign'], why: 'interop: PoDoFo signs' },
  { pkg: 'default-jdk-headless', commands: ['java', 'javac'], why: 'interop: the Java signers and verifiers under tests/ are compiled at test time' },
  { pkg: 'libitext5-java', files: ['/usr/share/java/itext5.jar'], why: 'interop: iText 5 signs and verifies' },
  { pkg: 'libpdfbox2-java', files: ['/usr/share/java/pdfbox2.jar'], why: 'interop: PDFBox 2 signs and verifies' },
  { pkg: 'libbcpkix-java', files: ['/usr/share/java/bcpkix.jar', '/usr/share/java/bcprov.jar'], why: 'interop and CMS tests: Bouncy Castle builds CMS our signer does not' },
  { pkg: 'nginx-light', files: ['/usr/sbin/nginx'], why: 'the load balancer in front of several gateway nodes (tests/helpers/nginx.ts, bench/gateway.ts)' },
  { pkg: 'gcc', commands: ['gcc'], why: 'the PKCS#11 test shim' },
  { pkg: 'g++', commands: ['g++'], why: 'native addons (pkcs11js, better-sqlite3)' },
  { pkg: 'make', commands: ['make'], why: 'native addons' },
  { pkg: 'postgresql', files: ['/usr/lib/postgresql/15/bin/initdb', '/usr/lib/postgresql/15/bin/pg_ctl'], why: 'the gateway suite on PostgreSQL 15: a throw-away cluster (tests/server/pg-cluster.ts)' },
  { pkg: 'python3', commands: ['python3'], why: 'native addons and ../shared/tools/mkpdf.py' },
];
