// Signs every job of a JSON job file with iText 5 (PdfStamper in append mode, MakeSignature):
//   { "jobs": [ { "in", "out", "p12", "password", "field", "reason", "subfilter": "cades"|"pkcs7",
//                 "hash": "SHA-256", "visible": { "page": 1, "rect": [x1, y1, x2, y2] } | null,
//                 "certify": 0..3, "lock": ["field", ...] | null, "tsa": url | null } ] }
// One JSON line per job on stdout: { "id", "out", "ok", "error"?, "ms" }.
import com.itextpdf.text.Rectangle;
import com.itextpdf.text.pdf.PdfReader;
import com.itextpdf.text.pdf.PdfSigLockDictionary;
import com.itextpdf.text.pdf.PdfSignatureAppearance;
import com.itextpdf.text.pdf.PdfStamper;
import com.itextpdf.text.pdf.security.BouncyCastleDigest;
import com.itextpdf.text.pdf.security.ExternalDigest;
import com.itextpdf.text.pdf.security.ExternalSignature;
import com.itextpdf.text.pdf.security.MakeSignature;
import com.itextpdf.text.pdf.security.PrivateKeySignature;
import com.itextpdf.text.pdf.security.TSAClient;
import com.itextpdf.text.pdf.security.TSAClientBouncyCastle;
import java.io.FileOutputStream;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class ItextSign {
    public static void main(String[] args) throws Exception {
        InteropUtil.provider();
        Map<String, Object> job = Json.map(Json.readFile(args[0]));
        Map<String, InteropUtil.Key> keys = new HashMap<>();
        int id = 0;
        for (Object o : Json.list(job, "jobs")) {
            Map<String, Object> j = Json.map(o);
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("id", id++);
            res.put("out", Json.str(j, "out", null));
            long t0 = System.nanoTime();
            try {
                String p12 = Json.str(j, "p12", null);
                InteropUtil.Key k = keys.get(p12);
                if (k == null) {
                    k = InteropUtil.loadPkcs12(p12, Json.str(j, "password", ""));
                    keys.put(p12, k);
                }
                sign(j, k);
                res.put("ok", true);
            } catch (Throwable t) {
                res.put("ok", false);
                res.put("error", InteropUtil.error(t));
            }
            res.put("ms", (System.nanoTime() - t0) / 1_000_000);
            InteropUtil.emit(res);
        }
    }

    static void sign(Map<String, Object> j, InteropUtil.Key k) throws Exception {
        PdfReader reader = new PdfReader(Json.str(j, "in", null));
        try (FileOutputStream os = new FileOutputStream(Json.str(j, "out", null))) {
            PdfStamper stamper = PdfStamper.createSignature(reader, os, '\0', null, true);
            PdfSignatureAppearance ap = stamper.getSignatureAppearance();
            ap.setReason(Json.str(j, "reason", "Interop iText 5"));
            ap.setLocation("Ha Noi");
            String field = Json.str(j, "field", "ItextSig");
            Object vis = j.get("visible");
            if (vis != null) {
                Map<String, Object> v = Json.map(vis);
                List<Object> r = Json.list(v, "rect");
                ap.setVisibleSignature(new Rectangle(f(r.get(0)), f(r.get(1)), f(r.get(2)), f(r.get(3))), Json.num(v, "page", 1), field);
            } else {
                ap.setVisibleSignature(new Rectangle(0, 0, 0, 0), 1, field);
            }
            int certify = Json.num(j, "certify", 0);
            if (certify > 0) ap.setCertificationLevel(certify);
            List<Object> lock = Json.list(j, "lock");
            if (!lock.isEmpty()) {
                String[] names = lock.stream().map(Object::toString).toArray(String[]::new);
                ap.setFieldLockDict(new PdfSigLockDictionary(PdfSigLockDictionary.LockAction.INCLUDE, names));
            }
            String hash = Json.str(j, "hash", "SHA-256");
            ExternalSignature pks = new PrivateKeySignature(k.key, hash, "BC");
            ExternalDigest digest = new BouncyCastleDigest();
            String tsaUrl = Json.str(j, "tsa", null);
            TSAClient tsa = tsaUrl == null ? null : new TSAClientBouncyCastle(tsaUrl, null, null, 4096, hash);
            MakeSignature.CryptoStandard std = "pkcs7".equals(Json.str(j, "subfilter", "cades")) ? MakeSignature.CryptoStandard.CMS : MakeSignature.CryptoStandard.CADES;
            MakeSignature.signDetached(ap, digest, pks, k.chain, null, null, tsa, 0, std);
        } finally {
            reader.close();
        }
    }

    static float f(Object o) {
        return ((Number) o).floatValue();
    }
}
