// Signs every job of a JSON job file with PDFBox 2 (addSignature + saveIncremental) and a
// Bouncy Castle CMS (SignatureInterface):
//   { "jobs": [ { "in", "out", "p12", "password", "field", "reason", "subfilter": "cades"|"pkcs7",
//                 "visible": { "page": 1, "rect": [x1, y1, x2, y2] } | null,
//                 "certify": 0..3, "lock": ["field", ...] | null } ] }
// "cades" adds the ESS signing-certificate-v2 attribute (ETSI.CAdES.detached); "certify" writes
// a DocMDP transform (/Perms /DocMDP); "lock" writes the field's /Lock (SigFieldLock) and a
// FieldMDP /Reference in the signature dictionary. One JSON line per job: { "id", "out", "ok",
// "error"?, "ms" }.
import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.math.BigInteger;
import java.security.MessageDigest;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Calendar;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.pdfbox.cos.COSArray;
import org.apache.pdfbox.cos.COSBase;
import org.apache.pdfbox.cos.COSDictionary;
import org.apache.pdfbox.cos.COSName;
import org.apache.pdfbox.cos.COSString;
import org.apache.pdfbox.pdmodel.PDDocument;
import org.apache.pdfbox.pdmodel.common.PDRectangle;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.PDSignature;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureInterface;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.SignatureOptions;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.visible.PDVisibleSigProperties;
import org.apache.pdfbox.pdmodel.interactive.digitalsignature.visible.PDVisibleSignDesigner;
import org.apache.pdfbox.pdmodel.interactive.form.PDSignatureField;
import org.bouncycastle.asn1.ASN1EncodableVector;
import org.bouncycastle.asn1.DERSet;
import org.bouncycastle.asn1.cms.Attribute;
import org.bouncycastle.asn1.cms.AttributeTable;
import org.bouncycastle.asn1.ess.ESSCertIDv2;
import org.bouncycastle.asn1.ess.SigningCertificateV2;
import org.bouncycastle.asn1.nist.NISTObjectIdentifiers;
import org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.IssuerSerial;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.CMSProcessableByteArray;
import org.bouncycastle.cms.CMSSignedData;
import org.bouncycastle.cms.CMSSignedDataGenerator;
import org.bouncycastle.cms.DefaultSignedAttributeTableGenerator;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

public class PdfboxSign {
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
        boolean cades = !"pkcs7".equals(Json.str(j, "subfilter", "cades"));
        String fieldName = Json.str(j, "field", "PdfboxSig");
        try (PDDocument doc = PDDocument.load(new File(Json.str(j, "in", null)));
             SignatureOptions options = new SignatureOptions()) {
            PDSignature sig = new PDSignature();
            sig.setFilter(PDSignature.FILTER_ADOBE_PPKLITE);
            sig.setSubFilter(cades ? PDSignature.SUBFILTER_ETSI_CADES_DETACHED : PDSignature.SUBFILTER_ADBE_PKCS7_DETACHED);
            sig.setName("Interop PDFBox");
            sig.setLocation("Ha Noi");
            sig.setReason(Json.str(j, "reason", "Interop PDFBox 2"));
            sig.setSignDate(Calendar.getInstance());
            int certify = Json.num(j, "certify", 0);
            if (certify > 0) certify(doc, sig, certify);
            options.setPreferredSignatureSize(16384);
            Object vis = j.get("visible");
            if (vis != null) {
                Map<String, Object> v = Json.map(vis);
                int page = Json.num(v, "page", 1);
                List<Object> r = Json.list(v, "rect");
                options.setVisualSignature(visual(doc, page, f(r.get(0)), f(r.get(1)), f(r.get(2)), f(r.get(3)), fieldName));
                options.setPage(page - 1);
            }
            doc.addSignature(sig, new Cms(k, cades), options);
            PDSignatureField field = null;
            for (PDSignatureField sf : doc.getSignatureFields()) {
                if (sf.getCOSObject().getDictionaryObject(COSName.V) == sig.getCOSObject()) field = sf;
            }
            if (field == null) throw new IllegalStateException("the new signature field was not found");
            field.setPartialName(fieldName);
            List<Object> lock = Json.list(j, "lock");
            if (!lock.isEmpty()) lock(field, sig, lock);
            try (FileOutputStream os = new FileOutputStream(Json.str(j, "out", null))) {
                doc.saveIncremental(os);
            }
        }
    }

    /** DocMDP certification (ISO 32000-1 §12.8.2.2): /Reference transform in the signature, /Perms in the catalog. */
    static void certify(PDDocument doc, PDSignature sig, int p) {
        COSDictionary params = new COSDictionary();
        params.setItem(COSName.TYPE, COSName.getPDFName("TransformParams"));
        params.setInt(COSName.P, p);
        params.setName(COSName.V, "1.2");
        COSDictionary ref = new COSDictionary();
        ref.setItem(COSName.TYPE, COSName.getPDFName("SigRef"));
        ref.setItem(COSName.getPDFName("TransformMethod"), COSName.DOCMDP);
        ref.setItem(COSName.getPDFName("TransformParams"), params);
        references(sig).add(ref);
        COSDictionary catalog = doc.getDocumentCatalog().getCOSObject();
        COSDictionary perms = new COSDictionary();
        perms.setItem(COSName.DOCMDP, sig.getCOSObject());
        catalog.setItem(COSName.PERMS, perms);
        catalog.setNeedToBeUpdated(true);
    }

    /** FieldMDP (§12.8.2.4): the field's /Lock and the matching /Reference transform in the signature. */
    static void lock(PDSignatureField field, PDSignature sig, List<Object> names) {
        COSArray fields = new COSArray();
        for (Object n : names) fields.add(new COSString(n.toString()));
        COSDictionary lockDict = new COSDictionary();
        lockDict.setItem(COSName.TYPE, COSName.getPDFName("SigFieldLock"));
        lockDict.setItem(COSName.getPDFName("Action"), COSName.getPDFName("Include"));
        lockDict.setItem(COSName.FIELDS, fields);
        field.getCOSObject().setItem(COSName.getPDFName("Lock"), lockDict);
        COSDictionary params = new COSDictionary();
        params.setItem(COSName.TYPE, COSName.getPDFName("TransformParams"));
        params.setItem(COSName.getPDFName("Action"), COSName.getPDFName("Include"));
        params.setItem(COSName.FIELDS, fields);
        params.setName(COSName.V, "1.2");
        COSDictionary ref = new COSDictionary();
        ref.setItem(COSName.TYPE, COSName.getPDFName("SigRef"));
        ref.setItem(COSName.getPDFName("TransformMethod"), COSName.getPDFName("FieldMDP"));
        ref.setItem(COSName.getPDFName("TransformParams"), params);
        references(sig).add(ref);
    }

    static COSArray references(PDSignature sig) {
        COSBase b = sig.getCOSObject().getDictionaryObject(COSName.getPDFName("Reference"));
        if (b instanceof COSArray) return (COSArray) b;
        COSArray a = new COSArray();
        sig.getCOSObject().setItem(COSName.getPDFName("Reference"), a);
        return a;
    }

    /** A visible signature template (PDFBox's designer) with a drawn image at [x1 y1 x2 y2] in page space. */
    static PDVisibleSigProperties visual(PDDocument doc, int page, float x1, float y1, float x2, float y2, String fieldName) throws Exception {
        int w = Math.max(1, Math.round(x2 - x1));
        int h = Math.max(1, Math.round(y2 - y1));
        BufferedImage img = new BufferedImage(w * 2, h * 2, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w * 2, h * 2);
        g.setColor(new Color(0xC0, 0x10, 0x10));
        g.drawRect(2, 2, w * 2 - 5, h * 2 - 5);
        g.drawString("PDFBox interop", 8, h);
        g.dispose();
        PDRectangle box = doc.getPage(page - 1).getMediaBox();
        PDVisibleSignDesigner designer = new PDVisibleSignDesigner(doc, img, page);
        designer.xAxis(x1).yAxis(box.getHeight() - y2).width(w).height(h).signatureFieldName(fieldName);
        PDVisibleSigProperties props = new PDVisibleSigProperties();
        props.signerName("Interop PDFBox").signerLocation("Ha Noi").signatureReason("Interop PDFBox 2")
            .preferredSize(0).page(page).visualSignEnabled(true).setPdVisibleSignature(designer);
        props.buildSignature();
        return props;
    }

    static float f(Object o) {
        return ((Number) o).floatValue();
    }

    /** The CMS SignedData over the ByteRange content (detached), Bouncy Castle. */
    static final class Cms implements SignatureInterface {
        private final InteropUtil.Key k;
        private final boolean cades;

        Cms(InteropUtil.Key k, boolean cades) {
            this.k = k;
            this.cades = cades;
        }

        @Override
        public byte[] sign(InputStream content) {
            try {
                ByteArrayOutputStream buf = new ByteArrayOutputStream();
                content.transferTo(buf);
                X509Certificate cert = (X509Certificate) k.chain[0];
                ContentSigner signer = new JcaContentSignerBuilder(k.ec ? "SHA256withECDSA" : "SHA256withRSA").setProvider("BC").build(k.key);
                JcaSignerInfoGeneratorBuilder sib = new JcaSignerInfoGeneratorBuilder(new JcaDigestCalculatorProviderBuilder().setProvider("BC").build());
                if (cades) {
                    byte[] certHash = MessageDigest.getInstance("SHA-256").digest(cert.getEncoded());
                    IssuerSerial issuerSerial = new IssuerSerial(
                        new GeneralNames(new GeneralName(X500Name.getInstance(cert.getIssuerX500Principal().getEncoded()))),
                        new BigInteger(1, cert.getSerialNumber().toByteArray()));
                    ESSCertIDv2 essId = new ESSCertIDv2(new AlgorithmIdentifier(NISTObjectIdentifiers.id_sha256), certHash, issuerSerial);
                    ASN1EncodableVector v = new ASN1EncodableVector();
                    v.add(new Attribute(PKCSObjectIdentifiers.id_aa_signingCertificateV2, new DERSet(new SigningCertificateV2(new ESSCertIDv2[] { essId }))));
                    sib.setSignedAttributeGenerator(new DefaultSignedAttributeTableGenerator(new AttributeTable(v)));
                }
                CMSSignedDataGenerator gen = new CMSSignedDataGenerator();
                gen.addSignerInfoGenerator(sib.build(signer, cert));
                List<X509Certificate> certs = new ArrayList<>();
                for (java.security.cert.Certificate c : k.chain) certs.add((X509Certificate) c);
                gen.addCertificates(new JcaCertStore(certs));
                CMSSignedData sd = gen.generate(new CMSProcessableByteArray(buf.toByteArray()), false);
                return sd.getEncoded();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }
    }
}
