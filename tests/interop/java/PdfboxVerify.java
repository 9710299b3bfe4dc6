// Verifies every file of a JSON job file { "files": [path, ...] } with PDFBox 2 and Bouncy Castle:
// for each signed signature field, the CMS over PDSignature.getSignedContent (every SignerInfo's
// message digest and signature, SignerInformation.verify with the certificate the SignerInfo
// names), for ETSI.RFC3161 document timestamps the token's imprint over the ByteRange and its
// signature, plus the ByteRange coverage checks of InteropUtil.coverage.
// One JSON line per file: { "file", "ok", "error"?, "signatures": [ { "name", "byteRange",
//   "subFilter", "integrity", "signerInfos", "error"?, "coversRevision", "coversWholeDocument" } ] }.
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.SignerInformation;
import org.bouncycastle.cms.jcajce.JcaSimpleSignerInfoVerifierBuilder;
import org.bouncycastle.tsp.TimeStampToken;
import org.bouncycastle.util.Store;

public class PdfboxVerify {
    public static void main(String[] args) throws Exception {
        InteropUtil.provider();
        Map<String, Object> job = Json.map(Json.readFile(args[0]));
        for (Object o : Json.list(job, "files")) {
            String file = o.toString();
            Map<String, Object> res = new LinkedHashMap<>();
            res.put("file", file);
            try {
                res.put("signatures", verify(file));
                res.put("ok", true);
            } catch (Throwable t) {
                res.put("ok", false);
                res.put("error", InteropUtil.error(t));
            }
            InteropUtil.emit(res);
        }
    }

    static List<Object> verify(String file) throws Exception {
        byte[] bytes = Files.readAllBytes(Paths.get(file));
        List<Object> out = new ArrayList<>();
        try (PDDocument doc = PDDocument.load(new File(file))) {
            for (PDSignatureField field : doc.getSignatureFields()) {
                PDSignature sig = field.getSignature();
                if (sig == null) continue;
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("name", field.getFullyQualifiedName());
                int[] br = sig.getByteRange();
                long[] range = null;
                if (br != null) {
                    range = new long[br.length];
                    for (int k = 0; k < br.length; k++) range[k] = br[k];
                    s.put("byteRange", range);
                }
                String sub = sig.getSubFilter();
                s.put("subFilter", sub);
                try {
                    byte[] contents = sig.getContents(bytes);
                    byte[] signed = sig.getSignedContent(bytes);
                    if ("ETSI.RFC3161".equals(sub)) {
                        s.put("integrity", timestamp(contents, signed));
                        s.put("signerInfos", 1);
                    } else {
                        CMSSignedData cms = new CMSSignedData(new CMSProcessableByteArray(signed), contents);
                        Store<X509CertificateHolder> certs = cms.getCertificates();
                        Collection<SignerInformation> signers = cms.getSignerInfos().getSigners();
                        boolean ok = !signers.isEmpty();
                        for (SignerInformation si : signers) {
                            @SuppressWarnings("unchecked")
                            Collection<X509CertificateHolder> m = certs.getMatches(si.getSID());
                            if (m.isEmpty()) { ok = false; s.put("error", "signer certificate not in the CMS"); continue; }
                            ok &= si.verify(new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC").build(m.iterator().next()));
                        }
                        s.put("integrity", ok);
                        s.put("signerInfos", signers.size());
                    }
                } catch (Throwable t) {
                    s.put("integrity", false);
                    s.put("error", InteropUtil.error(t));
                }
                s.putAll(InteropUtil.coverage(bytes, range));
                out.add(s);
            }
        }
        return out;
    }

    /** RFC 3161 document timestamp: imprint equals the digest of the ByteRange, token signature valid. */
    static boolean timestamp(byte[] contents, byte[] signed) throws Exception {
        TimeStampToken tst = new TimeStampToken(new CMSSignedData(contents));
        byte[] digest = MessageDigest.getInstance(tst.getTimeStampInfo().getMessageImprintAlgOID().getId(), "BC").digest(signed);
        if (!Arrays.equals(digest, tst.getTimeStampInfo().getMessageImprintDigest())) return false;
        @SuppressWarnings("unchecked")
        Collection<X509CertificateHolder> m = tst.getCertificates().getMatches(tst.getSID());
        if (m.isEmpty()) return false;
        tst.validate(new JcaSimpleSignerInfoVerifierBuilder().setProvider("BC").build(m.iterator().next()));
        return true;
    }
}
