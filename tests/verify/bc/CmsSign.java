// Test tool: CMS SignedData with Bouncy Castle for the algorithms and encodings `openssl cms` (3.0)
// cannot write: EdDSA, ECDSA with SHA-3, RSASSA-PSS with any hash / MGF1 hash / salt, BSI plain
// ECDSA (r||s), signatures without signed attributes, BER streaming output (indefinite lengths,
// chunked content) and several SignerInfos.
//
//   java -cp bcprov.jar:bcpkix.jar:bcutil.jar:DIR CmsSign --in FILE --out FILE
//        --signer CERT.pem KEY.pem SIGALG [--signer ...] [--pss HASH MGFHASH SALT]
//        [--digest OID] [--noattr] [--stream] [--encapsulate] [--certs CERT.pem ...]
//
// SIGALG is a JCA name (SHA256withECDSA, Ed25519, SHA3-256withPLAIN-ECDSA, RSASSA-PSS, ...).
// Certificates given with --signer are embedded, plus those from --certs.
import java.io.*;
import java.nio.file.*;
import java.security.*;
import java.security.spec.*;
import java.util.*;
import org.bouncycastle.asn1.ASN1ObjectIdentifier;
import org.bouncycastle.asn1.x509.AlgorithmIdentifier;
import org.bouncycastle.cert.X509CertificateHolder;
import org.bouncycastle.cert.jcajce.JcaCertStore;
import org.bouncycastle.cms.*;
import org.bouncycastle.cms.jcajce.JcaSignerInfoGeneratorBuilder;
import org.bouncycastle.jce.provider.BouncyCastleProvider;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.operator.ContentSigner;
import org.bouncycastle.operator.DigestCalculatorProvider;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;
import org.bouncycastle.operator.jcajce.JcaDigestCalculatorProviderBuilder;

public class CmsSign {
  static Object readPem(String file) throws Exception {
    try (PEMParser p = new PEMParser(new FileReader(file))) { return p.readObject(); }
  }

  /** RSASSA-PSS with any hash, MGF1 hash and salt (the JDK's RSASSA-PSS takes any parameters). */
  static ContentSigner pssSigner(PrivateKey key, String hash, String mgfHash, int salt) throws Exception {
    Signature sig = Signature.getInstance("RSASSA-PSS", "SunRsaSign");
    sig.setParameter(new PSSParameterSpec(hash, "MGF1", new MGF1ParameterSpec(mgfHash), salt, 1));
    sig.initSign(key);
    org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder f = new org.bouncycastle.operator.DefaultDigestAlgorithmIdentifierFinder();
    AlgorithmIdentifier h = f.find(hash);
    AlgorithmIdentifier m = f.find(mgfHash);
    AlgorithmIdentifier id = new AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_RSASSA_PSS,
      new org.bouncycastle.asn1.pkcs.RSASSAPSSparams(h, new AlgorithmIdentifier(org.bouncycastle.asn1.pkcs.PKCSObjectIdentifiers.id_mgf1, m),
        new org.bouncycastle.asn1.ASN1Integer(salt), new org.bouncycastle.asn1.ASN1Integer(1)));
    ByteArrayOutputStream buf = new ByteArrayOutputStream();
    return new ContentSigner() {
      public AlgorithmIdentifier getAlgorithmIdentifier() { return id; }
      public OutputStream getOutputStream() { return buf; }
      public byte[] getSignature() {
        try { sig.update(buf.toByteArray()); return sig.sign(); } catch (Exception e) { throw new RuntimeException(e); }
      }
    };
  }

  public static void main(String[] a) throws Exception {
    Security.addProvider(new BouncyCastleProvider());
    String in = null, out = null, digestOid = null;
    boolean noattr = false, stream = false, encapsulate = false;
    String[] pss = null;
    List<String[]> signers = new ArrayList<>();
    List<X509CertificateHolder> certs = new ArrayList<>();
    for (int i = 0; i < a.length; i++) {
      switch (a[i]) {
        case "--in": in = a[++i]; break;
        case "--out": out = a[++i]; break;
        case "--signer": signers.add(new String[] { a[++i], a[++i], a[++i] }); break;
        case "--pss": pss = new String[] { a[++i], a[++i], a[++i] }; break;
        case "--digest": digestOid = a[++i]; break;
        case "--noattr": noattr = true; break;
        case "--stream": stream = true; break;
        case "--encapsulate": encapsulate = true; break;
        case "--certs": while (i + 1 < a.length && !a[i + 1].startsWith("--")) certs.add((X509CertificateHolder) readPem(a[++i])); break;
        default: throw new IllegalArgumentException(a[i]);
      }
    }
    byte[] content = Files.readAllBytes(Paths.get(in));
    DigestCalculatorProvider dcp = new JcaDigestCalculatorProviderBuilder().setProvider("BC").build();
    List<SignerInfoGenerator> gens = new ArrayList<>();
    for (String[] s : signers) {
      X509CertificateHolder cert = (X509CertificateHolder) readPem(s[0]);
      Object k = readPem(s[1]);
      PrivateKey key = new JcaPEMKeyConverter().setProvider("BC").getPrivateKey(k instanceof PrivateKeyInfo ? (PrivateKeyInfo) k : ((org.bouncycastle.openssl.PEMKeyPair) k).getPrivateKeyInfo());
      ContentSigner cs = pss != null ? pssSigner(key, pss[0], pss[1], Integer.parseInt(pss[2])) : new JcaContentSignerBuilder(s[2]).setProvider("BC").build(key);
      JcaSignerInfoGeneratorBuilder gb = new JcaSignerInfoGeneratorBuilder(dcp).setDirectSignature(noattr);
      if (digestOid != null) gb.setContentDigest(new AlgorithmIdentifier(new ASN1ObjectIdentifier(digestOid)));
      gens.add(gb.build(cs, cert));
      certs.add(0, cert);
    }
    try (OutputStream os = new FileOutputStream(out)) {
      if (stream) {
        CMSSignedDataStreamGenerator g = new CMSSignedDataStreamGenerator();
        for (SignerInfoGenerator x : gens) g.addSignerInfoGenerator(x);
        g.addCertificates(new org.bouncycastle.util.CollectionStore<>(certs));
        g.setBufferSize(512);
        try (OutputStream w = g.open(os, encapsulate)) { w.write(content); }
      } else {
        CMSSignedDataGenerator g = new CMSSignedDataGenerator();
        for (SignerInfoGenerator x : gens) g.addSignerInfoGenerator(x);
        g.addCertificates(new org.bouncycastle.util.CollectionStore<>(certs));
        os.write(g.generate(new CMSProcessableByteArray(content), encapsulate).getEncoded("DER"));
      }
    }
  }
}
