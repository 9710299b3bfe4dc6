// Helpers shared by the interop Java programs: the PKCS#12 key material of the test PKI, the
// ByteRange coverage checks every verifier program reports, and the JSON-lines output.
import java.io.FileInputStream;
import java.io.InputStream;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.Security;
import java.security.cert.Certificate;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.Map;

final class InteropUtil {
    private InteropUtil() {}

    static final class Key {
        PrivateKey key;
        Certificate[] chain;
        boolean ec;
    }

    static void provider() {
        if (Security.getProvider("BC") == null) Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
    }

    static Key loadPkcs12(String path, String password) throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = new FileInputStream(path)) {
            ks.load(in, password.toCharArray());
        }
        Enumeration<String> aliases = ks.aliases();
        while (aliases.hasMoreElements()) {
            String alias = aliases.nextElement();
            if (!ks.isKeyEntry(alias)) continue;
            Key k = new Key();
            k.key = (PrivateKey) ks.getKey(alias, password.toCharArray());
            k.chain = ks.getCertificateChain(alias);
            k.ec = "EC".equals(k.key.getAlgorithm()) || "ECDSA".equals(k.key.getAlgorithm());
            return k;
        }
        throw new IllegalArgumentException("no key in " + path);
    }

    /**
     * What a careful verifier checks about a ByteRange besides the CMS: four numbers, starts at 0,
     * one gap holding exactly one hex string, inside the file, ending at the end of a revision
     * (%%EOF plus an optional end-of-line).
     */
    static Map<String, Object> coverage(byte[] file, long[] br) {
        Map<String, Object> m = new LinkedHashMap<>();
        boolean sane = br != null && br.length == 4 && br[0] == 0 && br[1] > 0 && br[2] > br[1] && br[3] >= 0
            && br[2] + br[3] <= file.length;
        boolean gapIsHex = false;
        boolean revisionEnd = false;
        if (sane) {
            int a = (int) br[1];
            int b = (int) br[2];
            gapIsHex = file[a] == '<' && file[b - 1] == '>';
            for (int k = a + 1; gapIsHex && k < b - 1; k++) {
                int c = file[k];
                boolean hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
                if (!hex) gapIsHex = false;
            }
            int end = (int) (br[2] + br[3]);
            int e = end;
            if (e > 0 && file[e - 1] == '\n') e--;
            if (e > 0 && file[e - 1] == '\r') e--;
            revisionEnd = e >= 5 && new String(file, e - 5, 5, java.nio.charset.StandardCharsets.ISO_8859_1).equals("%%EOF");
            m.put("coversWholeDocument", end == file.length);
        } else {
            m.put("coversWholeDocument", false);
        }
        m.put("byteRangeSane", sane);
        m.put("gapIsContents", gapIsHex);
        m.put("coversRevision", sane && gapIsHex && revisionEnd);
        return m;
    }

    static void emit(Map<String, Object> m) {
        System.out.println(Json.write(m));
        System.out.flush();
    }

    static String error(Throwable t) {
        String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
        return msg.length() > 400 ? msg.substring(0, 400) : msg;
    }
}
