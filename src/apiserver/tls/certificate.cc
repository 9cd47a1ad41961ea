#include "apiserver/tls/certificate.h"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <ctime>

namespace berth::apiserver::tls {
namespace {

// InternalError with `what` and the drained OpenSSL error queue.
Status OpensslError(const std::string& what) {
  std::string msg = what;
  while (unsigned long e = ERR_get_error()) {  // NOLINT(google-runtime-int)
    char buf[256];
    ERR_error_string_n(e, buf, sizeof(buf));
    msg += ": ";
    msg += buf;
  }
  return InternalError(msg);
}

StatusOr<EvpPkeyPtr> GenerateKey() {
  EvpPkeyPtr key(EVP_EC_gen("P-256"));
  if (!key) return OpensslError("generate EC P-256 key");
  return key;
}

StatusOr<std::string> KeyToPem(EVP_PKEY* key) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio ||
      PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
    return OpensslError("encode private key");
  }
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);  // NOLINT(google-runtime-int)
  return std::string(data, static_cast<size_t>(len));
}

StatusOr<std::string> CertToPem(X509* cert) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) return OpensslError("encode certificate");
  char* data = nullptr;
  long len = BIO_get_mem_data(bio.get(), &data);  // NOLINT(google-runtime-int)
  return std::string(data, static_cast<size_t>(len));
}

// A random positive serial below 2^127 (RFC 5280 allows up to 20 octets; Go
// rejects negative serials).
Status SetRandomSerial(X509* cert) {
  BignumPtr bn(BN_new());
  if (!bn) return OpensslError("allocate serial");
  do {
    if (BN_rand(bn.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY) != 1) {
      return OpensslError("random serial");
    }
  } while (BN_is_zero(bn.get()));
  Asn1IntegerPtr serial(BN_to_ASN1_INTEGER(bn.get(), nullptr));
  if (!serial || X509_set_serialNumber(cert, serial.get()) != 1) return OpensslError("set serial");
  return Status::Ok();
}

Status AddNameEntry(X509_NAME* name, const char* field, const std::string& value) {
  if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8,
                                 reinterpret_cast<const unsigned char*>(value.data()),
                                 static_cast<int>(value.size()), -1, 0) != 1) {
    return OpensslError(std::string("set subject ") + field + "=" + value);
  }
  return Status::Ok();
}

// Adds one extension given in openssl.cnf syntax (`value` is trusted, built here).
Status AddConfExtension(X509* cert, X509V3_CTX* ctx, int nid, const char* value) {
  X509ExtensionPtr ext(X509V3_EXT_conf_nid(nullptr, ctx, nid, value));
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    return OpensslError(std::string("add extension ") + OBJ_nid2sn(nid) + "=" + value);
  }
  return Status::Ok();
}

// SANs are built as GENERAL_NAMEs rather than a config string, so a name can
// never inject extra entries.
Status AddSubjectAltNames(X509* cert, const std::vector<SubjectAltName>& sans) {
  if (sans.empty()) return Status::Ok();
  GENERAL_NAMES* names = sk_GENERAL_NAME_new_null();
  if (!names) return OpensslError("allocate SANs");
  auto fail = [&](const std::string& what) {
    GENERAL_NAMES_free(names);
    return OpensslError(what);
  };
  for (const SubjectAltName& san : sans) {
    GENERAL_NAME* gen = GENERAL_NAME_new();
    if (!gen) return fail("allocate SAN");
    if (san.kind == SubjectAltName::Kind::kIp) {
      std::string bytes = IpBytes(san);
      ASN1_OCTET_STRING* ip = ASN1_OCTET_STRING_new();
      if (bytes.empty() || !ip ||
          ASN1_OCTET_STRING_set(ip, reinterpret_cast<const unsigned char*>(bytes.data()),
                                static_cast<int>(bytes.size())) != 1) {
        ASN1_OCTET_STRING_free(ip);
        GENERAL_NAME_free(gen);
        return fail("encode SAN " + san.ToString());
      }
      GENERAL_NAME_set0_value(gen, GEN_IPADD, ip);
    } else {
      ASN1_IA5STRING* dns = ASN1_IA5STRING_new();
      if (!dns || ASN1_STRING_set(dns, san.value.data(), static_cast<int>(san.value.size())) != 1) {
        ASN1_IA5STRING_free(dns);
        GENERAL_NAME_free(gen);
        return fail("encode SAN " + san.ToString());
      }
      GENERAL_NAME_set0_value(gen, GEN_DNS, dns);
    }
    if (sk_GENERAL_NAME_push(names, gen) <= 0) {
      GENERAL_NAME_free(gen);
      return fail("append SAN");
    }
  }
  int rc = X509_add1_ext_i2d(cert, NID_subject_alt_name, names, 0, X509V3_ADD_DEFAULT);
  GENERAL_NAMES_free(names);
  if (rc != 1) return OpensslError("add subjectAltName");
  return Status::Ok();
}

// Builds and signs a certificate for `key`. `issuer_cert`/`issuer_key` null
// means self-signed.
StatusOr<std::string> BuildCertificate(const CertRequest& req, EVP_PKEY* key, X509* issuer_cert,
                                       EVP_PKEY* issuer_key) {
  X509Ptr cert(X509_new());
  if (!cert) return OpensslError("allocate certificate");
  if (X509_set_version(cert.get(), 2) != 1) return OpensslError("set version");
  BERTH_RETURN_IF_ERROR(SetRandomSerial(cert.get()));

  X509_NAME* subject = X509_get_subject_name(cert.get());
  for (const std::string& org : req.organizations) {
    BERTH_RETURN_IF_ERROR(AddNameEntry(subject, "O", org));
  }
  BERTH_RETURN_IF_ERROR(AddNameEntry(subject, "CN", req.common_name));
  X509_NAME* issuer_name = issuer_cert ? X509_get_subject_name(issuer_cert) : subject;
  if (X509_set_issuer_name(cert.get(), issuer_name) != 1) return OpensslError("set issuer");

  if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) ||
      !X509_time_adj_ex(X509_getm_notAfter(cert.get()), req.validity_days, 0, nullptr)) {
    return OpensslError("set validity");
  }
  if (issuer_cert &&
      ASN1_TIME_compare(X509_get0_notAfter(cert.get()), X509_get0_notAfter(issuer_cert)) > 0) {
    if (X509_set1_notAfter(cert.get(), X509_get0_notAfter(issuer_cert)) != 1) {
      return OpensslError("clip validity");
    }
  }
  if (X509_set_pubkey(cert.get(), key) != 1) return OpensslError("set public key");

  X509V3_CTX ctx;
  X509V3_set_ctx(&ctx, issuer_cert ? issuer_cert : cert.get(), cert.get(), nullptr, nullptr, 0);
  switch (req.usage) {
    case CertUsage::kCa:
      BERTH_RETURN_IF_ERROR(
          AddConfExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:TRUE"));
      BERTH_RETURN_IF_ERROR(AddConfExtension(cert.get(), &ctx, NID_key_usage,
                                             "critical,digitalSignature,keyCertSign,cRLSign"));
      break;
    case CertUsage::kServer:
    case CertUsage::kClient:
      BERTH_RETURN_IF_ERROR(
          AddConfExtension(cert.get(), &ctx, NID_basic_constraints, "critical,CA:FALSE"));
      BERTH_RETURN_IF_ERROR(AddConfExtension(cert.get(), &ctx, NID_key_usage,
                                             "critical,digitalSignature,keyEncipherment"));
      BERTH_RETURN_IF_ERROR(
          AddConfExtension(cert.get(), &ctx, NID_ext_key_usage,
                           req.usage == CertUsage::kServer ? "serverAuth" : "clientAuth"));
      break;
  }
  BERTH_RETURN_IF_ERROR(AddConfExtension(cert.get(), &ctx, NID_subject_key_identifier, "hash"));
  if (issuer_cert) {
    BERTH_RETURN_IF_ERROR(
        AddConfExtension(cert.get(), &ctx, NID_authority_key_identifier, "keyid:always"));
  }
  BERTH_RETURN_IF_ERROR(AddSubjectAltNames(cert.get(), req.sans));

  if (X509_sign(cert.get(), issuer_key ? issuer_key : key, EVP_sha256()) <= 0) {
    return OpensslError("sign certificate");
  }
  return CertToPem(cert.get());
}

std::string Asn1ToUtf8(const ASN1_STRING* s) {
  unsigned char* out = nullptr;
  int len = ASN1_STRING_to_UTF8(&out, s);
  if (len < 0) return "";
  std::string result(reinterpret_cast<char*>(out), static_cast<size_t>(len));
  OPENSSL_free(out);
  return result;
}

}  // namespace

StatusOr<X509Ptr> ParseCertificatePem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  X509Ptr cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!cert) {
    ERR_clear_error();
    return BadRequest("not a PEM certificate");
  }
  return cert;
}

StatusOr<EvpPkeyPtr> ParsePrivateKeyPem(const std::string& pem) {
  BioPtr bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  EvpPkeyPtr key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr) : nullptr);
  if (!key) {
    ERR_clear_error();
    return BadRequest("not a PEM private key");
  }
  return key;
}

StatusOr<CertAndKey> CreateSelfSignedCa(const std::string& common_name, int validity_days) {
  StatusOr<EvpPkeyPtr> key = GenerateKey();
  if (!key.ok()) return key.status();
  CertRequest req;
  req.common_name = common_name;
  req.usage = CertUsage::kCa;
  req.validity_days = validity_days;
  StatusOr<std::string> cert = BuildCertificate(req, key->get(), nullptr, nullptr);
  if (!cert.ok()) return cert.status();
  StatusOr<std::string> key_pem = KeyToPem(key->get());
  if (!key_pem.ok()) return key_pem.status();
  return CertAndKey{std::move(*cert), std::move(*key_pem)};
}

StatusOr<CertAndKey> IssueCertificate(const CertAndKey& ca, const CertRequest& request) {
  StatusOr<X509Ptr> ca_cert = ParseCertificatePem(ca.cert_pem);
  if (!ca_cert.ok()) return InternalError("CA certificate: " + ca_cert.status().message());
  StatusOr<EvpPkeyPtr> ca_key = ParsePrivateKeyPem(ca.key_pem);
  if (!ca_key.ok()) return InternalError("CA key: " + ca_key.status().message());
  StatusOr<EvpPkeyPtr> key = GenerateKey();
  if (!key.ok()) return key.status();
  StatusOr<std::string> cert = BuildCertificate(request, key->get(), ca_cert->get(), ca_key->get());
  if (!cert.ok()) return cert.status();
  StatusOr<std::string> key_pem = KeyToPem(key->get());
  if (!key_pem.ok()) return key_pem.status();
  return CertAndKey{std::move(*cert), std::move(*key_pem)};
}

Status VerifySignedBy(const std::string& cert_pem, const std::string& ca_pem) {
  StatusOr<X509Ptr> cert = ParseCertificatePem(cert_pem);
  if (!cert.ok()) return cert.status();
  StatusOr<X509Ptr> ca = ParseCertificatePem(ca_pem);
  if (!ca.ok()) return ca.status();
  X509StorePtr store(X509_STORE_new());
  X509StoreCtxPtr ctx(X509_STORE_CTX_new());
  if (!store || !ctx || X509_STORE_add_cert(store.get(), ca->get()) != 1 ||
      X509_STORE_CTX_init(ctx.get(), store.get(), cert->get(), nullptr) != 1) {
    return OpensslError("set up certificate verification");
  }
  if (X509_verify_cert(ctx.get()) != 1) {
    int err = X509_STORE_CTX_get_error(ctx.get());
    ERR_clear_error();
    return BadRequest(std::string("certificate does not verify against the CA: ") +
                      X509_verify_cert_error_string(err));
  }
  return Status::Ok();
}

Status CheckKeyMatches(const std::string& cert_pem, const std::string& key_pem) {
  StatusOr<X509Ptr> cert = ParseCertificatePem(cert_pem);
  if (!cert.ok()) return cert.status();
  StatusOr<EvpPkeyPtr> key = ParsePrivateKeyPem(key_pem);
  if (!key.ok()) return key.status();
  if (X509_check_private_key(cert->get(), key->get()) != 1) {
    ERR_clear_error();
    return BadRequest("private key does not match the certificate");
  }
  return Status::Ok();
}

StatusOr<bool> ExpiresWithin(const std::string& cert_pem, int days) {
  StatusOr<X509Ptr> cert = ParseCertificatePem(cert_pem);
  if (!cert.ok()) return cert.status();
  time_t horizon = std::time(nullptr) + static_cast<time_t>(days) * 24 * 3600;
  int cmp = X509_cmp_time(X509_get0_notAfter(cert->get()), &horizon);
  if (cmp == 0) return OpensslError("compare certificate expiry");
  return cmp < 0;
}

StatusOr<std::vector<SubjectAltName>> ReadSubjectAltNames(const std::string& cert_pem) {
  StatusOr<X509Ptr> cert = ParseCertificatePem(cert_pem);
  if (!cert.ok()) return cert.status();
  std::vector<SubjectAltName> result;
  auto* names = static_cast<GENERAL_NAMES*>(
      X509_get_ext_d2i(cert->get(), NID_subject_alt_name, nullptr, nullptr));
  if (!names) return result;
  for (int i = 0; i < sk_GENERAL_NAME_num(names); ++i) {
    const GENERAL_NAME* gen = sk_GENERAL_NAME_value(names, i);
    if (gen->type == GEN_IPADD) {
      std::string_view bytes(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gen->d.iPAddress)),
                             static_cast<size_t>(ASN1_STRING_length(gen->d.iPAddress)));
      result.push_back({SubjectAltName::Kind::kIp, IpText(bytes)});
    } else if (gen->type == GEN_DNS) {
      std::string dns(reinterpret_cast<const char*>(ASN1_STRING_get0_data(gen->d.dNSName)),
                      static_cast<size_t>(ASN1_STRING_length(gen->d.dNSName)));
      StatusOr<SubjectAltName> parsed = ParseSubjectAltName(dns);
      result.push_back(parsed.ok() ? *parsed : SubjectAltName{SubjectAltName::Kind::kDns, dns});
    }
  }
  GENERAL_NAMES_free(names);
  return CanonicalSanSet(std::move(result));
}

SubjectIdentity ReadSubject(X509* cert) {
  SubjectIdentity id;
  const X509_NAME* name = X509_get_subject_name(cert);
  for (int i = -1; (i = X509_NAME_get_index_by_NID(name, NID_commonName, i)) >= 0;) {
    id.common_name = Asn1ToUtf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i)));
  }
  for (int i = -1; (i = X509_NAME_get_index_by_NID(name, NID_organizationName, i)) >= 0;) {
    id.organizations.push_back(Asn1ToUtf8(X509_NAME_ENTRY_get_data(X509_NAME_get_entry(name, i))));
  }
  return id;
}

}  // namespace berth::apiserver::tls
