// Packaging (`npm run dist`; needs the Electron binary, so it is not part of CI here).
// Windows: NSIS per-machine, assisted (not one-click), silent with /S; MSI for GPO deployment.
// Linux: deb, rpm, AppImage. Native modules (.node: pkcs11js, better-sqlite3) are unpacked from
// the asar. Electron fuses are flipped at packaging (see docs/security.md).
/** @type {import('electron-builder').Configuration} */
module.exports = {
  appId: 'vn.gov.vanthuso.desktop',
  productName: 'Văn thư số',
  executableName: 'vanthu-so',
  electronVersion: '41.7.1',
  directories: { output: 'dist', buildResources: 'build' },
  files: ['out/**/*', 'package.json', 'resources/**/*', '!**/*.map'],
  extraResources: [{ from: 'resources/pkcs11-modules.json', to: 'pkcs11-modules.json' }],
  asar: true,
  // pdf.js runs in a worker thread of the main process for the visual check and reads its
  // standard fonts and CMaps from disk by path: kept outside the archive with the .node binaries
  // (@napi-rs/canvas, pkcs11js, better-sqlite3)
  asarUnpack: ['**/*.node', 'node_modules/pdfjs-dist/**'],
  npmRebuild: true,
  electronFuses: {
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  },
  win: {
    target: [
      { target: 'nsis', arch: ['x64'] },
      { target: 'msi', arch: ['x64'] },
    ],
    icon: 'build/icon.png',
  },
  nsis: {
    oneClick: false,
    perMachine: true,
    allowElevation: true,
    allowToChangeInstallationDirectory: true,
    createDesktopShortcut: true,
    shortcutName: 'Văn thư số',
    deleteAppDataOnUninstall: false,
  },
  msi: { perMachine: true, oneClick: false, createDesktopShortcut: true },
  linux: {
    target: ['deb', 'rpm', 'AppImage'],
    category: 'Office',
    icon: 'build/icon.png',
    maintainer: 'Văn thư số <support@vanthuso.invalid>',
    synopsis: 'Ký số, xác minh và quản lý văn bản điện tử (Nghị định 30/2020/NĐ-CP)',
  },
  deb: { depends: ['libnss3', 'libsecret-1-0'] },
  mac: { target: ['dmg'], category: 'public.app-category.productivity', hardenedRuntime: true },
  protocols: [],
};
