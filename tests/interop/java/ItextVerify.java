// Verifies every file of a JSON job file { "files": [path, ...] } with iText 5: for each signature
// iText finds (AcroFields.getSignatureNames), the CMS check of PdfPKCS7.verify() (message digest
// over the ByteRange and the signature over the signed attributes; for ETSI.RFC3161 document
// timestamps, the imprint), plus the ByteRange coverage checks of InteropUtil.coverage.
// One JSON line per file: { "file", "ok", "error"?, "signatures": [ { "name", "byteRange",
//   "subFilter", "integrity", "error"?, "coversRevision", "coversWholeDocument", "revision",
//   "totalRevisions", "itextWholeDocument" } ] }.
import com.itextpdf.text.pdf.AcroFields;
import com.itextpdf.text.pdf.PdfArray;
import com.itextpdf.text.pdf.PdfDictionary;
import com.itextpdf.text.pdf.PdfName;
import com.itextpdf.text.pdf.PdfReader;
import com.itextpdf.text.pdf.security.PdfPKCS7;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

public class ItextVerify {
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
        PdfReader reader = new PdfReader(bytes);
        List<Object> out = new ArrayList<>();
        try {
            AcroFields af = reader.getAcroFields();
            for (String name : af.getSignatureNames()) {
                Map<String, Object> s = new LinkedHashMap<>();
                s.put("name", name);
                PdfDictionary sd = af.getSignatureDictionary(name);
                long[] br = null;
                PdfArray a = sd == null ? null : sd.getAsArray(PdfName.BYTERANGE);
                if (a != null) {
                    br = new long[a.size()];
                    for (int k = 0; k < a.size(); k++) br[k] = a.getAsNumber(k).longValue();
                    s.put("byteRange", br);
                }
                PdfName sub = sd == null ? null : sd.getAsName(PdfName.SUBFILTER);
                s.put("subFilter", sub == null ? null : PdfName.decodeName(sub.toString()));
                try {
                    PdfPKCS7 p7 = af.verifySignature(name, "BC");
                    s.put("integrity", p7.verify());
                    s.put("timestampToken", p7.isTsp());
                } catch (Throwable t) {
                    s.put("integrity", false);
                    s.put("error", InteropUtil.error(t));
                }
                s.putAll(InteropUtil.coverage(bytes, br));
                s.put("itextWholeDocument", af.signatureCoversWholeDocument(name));
                s.put("revision", af.getRevision(name));
                s.put("totalRevisions", af.getTotalRevisions());
                out.add(s);
            }
        } finally {
            reader.close();
        }
        return out;
    }
}
