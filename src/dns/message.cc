#include "dns/message.h"

#include <utility>

#include "dns/name.h"

namespace berth::dns {

Record MakeA(std::string name, uint32_t ttl, uint32_t ip) {
  return Record{std::move(name), kTypeA, kClassIN, ttl, ip};
}
Record MakeCname(std::string name, uint32_t ttl, std::string target) {
  return Record{std::move(name), kTypeCNAME, kClassIN, ttl, NameData{std::move(target)}};
}
Record MakePtr(std::string name, uint32_t ttl, std::string target) {
  return Record{std::move(name), kTypePTR, kClassIN, ttl, NameData{std::move(target)}};
}
Record MakeSrv(std::string name, uint32_t ttl, SrvData srv) {
  return Record{std::move(name), kTypeSRV, kClassIN, ttl, std::move(srv)};
}
Record MakeSoa(std::string name, uint32_t ttl, SoaData soa) {
  return Record{std::move(name), kTypeSOA, kClassIN, ttl, std::move(soa)};
}
Record MakeOpt(uint16_t udp_size) { return Record{"", kTypeOPT, udp_size, 0, RawData{}}; }

// ---------------------------------------------------------------------------------------------
// Decoding

namespace {

class Reader {
 public:
  Reader(const uint8_t* data, size_t size) : d_(data), n_(size) {}

  size_t pos() const { return pos_; }
  size_t remaining() const { return n_ - pos_; }

  bool U8(uint8_t* v) {
    if (remaining() < 1) return false;
    *v = d_[pos_++];
    return true;
  }
  bool U16(uint16_t* v) {
    if (remaining() < 2) return false;
    *v = static_cast<uint16_t>((d_[pos_] << 8) | d_[pos_ + 1]);
    pos_ += 2;
    return true;
  }
  bool U32(uint32_t* v) {
    if (remaining() < 4) return false;
    *v = (static_cast<uint32_t>(d_[pos_]) << 24) | (static_cast<uint32_t>(d_[pos_ + 1]) << 16) |
         (static_cast<uint32_t>(d_[pos_ + 2]) << 8) | d_[pos_ + 3];
    pos_ += 4;
    return true;
  }
  bool Bytes(size_t len, std::string* out) {
    if (remaining() < len) return false;
    out->assign(reinterpret_cast<const char*>(d_ + pos_), len);
    pos_ += len;
    return true;
  }

  // Reads a possibly compressed name at the cursor. Every pointer must point before the start of
  // the label run it interrupts, so the walk always moves backwards and terminates.
  bool Name(std::string* out) {
    out->clear();
    size_t p = pos_;
    size_t run_start = pos_;
    size_t end = 0;
    bool jumped = false;
    size_t wire = 1;
    while (true) {
      if (p >= n_) return false;
      uint8_t len = d_[p];
      if ((len & 0xC0) == 0xC0) {
        if (p + 1 >= n_) return false;
        size_t target = (static_cast<size_t>(len & 0x3F) << 8) | d_[p + 1];
        if (!jumped) end = p + 2;
        if (target >= run_start) return false;
        jumped = true;
        run_start = target;
        p = target;
        continue;
      }
      if ((len & 0xC0) != 0) return false;  // 0x40 / 0x80: obsolete or reserved label types
      if (len == 0) {
        if (!jumped) end = p + 1;
        break;
      }
      if (p + 1 + len > n_) return false;
      wire += len + 1u;
      if (wire > kMaxNameWireLength) return false;
      if (!out->empty()) out->push_back('.');
      AppendEscapedLabel(
          std::string_view(reinterpret_cast<const char*>(d_ + p + 1), len), out);
      p += 1 + len;
    }
    pos_ = end;
    return true;
  }

 private:
  const uint8_t* d_;
  size_t n_;
  size_t pos_ = 0;
};

void ParseHeader(const uint8_t* d, Header* h) {
  h->id = static_cast<uint16_t>((d[0] << 8) | d[1]);
  uint8_t f1 = d[2];
  uint8_t f2 = d[3];
  h->qr = (f1 & 0x80) != 0;
  h->opcode = (f1 >> 3) & 0x0F;
  h->aa = (f1 & 0x04) != 0;
  h->tc = (f1 & 0x02) != 0;
  h->rd = (f1 & 0x01) != 0;
  h->ra = (f2 & 0x80) != 0;
  h->ad = (f2 & 0x20) != 0;
  h->cd = (f2 & 0x10) != 0;
  h->rcode = f2 & 0x0F;
}

Status Bad(const char* what) { return Status(Reason::kBadRequest, std::string("dns: ") + what); }

Status ReadRecord(Reader& r, Record* rec) {
  uint16_t rdlen = 0;
  if (!r.Name(&rec->name)) return Bad("bad owner name");
  if (!r.U16(&rec->type) || !r.U16(&rec->klass) || !r.U32(&rec->ttl) || !r.U16(&rdlen)) {
    return Bad("truncated record");
  }
  if (r.remaining() < rdlen) return Bad("record data beyond the packet");
  size_t end = r.pos() + rdlen;
  switch (rec->type) {
    case kTypeA: {
      uint32_t ip = 0;
      if (rdlen != 4 || !r.U32(&ip)) return Bad("bad A record");
      rec->data = ip;
      break;
    }
    case kTypeCNAME:
    case kTypePTR:
    case kTypeNS: {
      NameData nd;
      if (!r.Name(&nd.name) || r.pos() != end) return Bad("bad name in record data");
      rec->data = std::move(nd);
      break;
    }
    case kTypeSRV: {
      SrvData srv;
      if (!r.U16(&srv.priority) || !r.U16(&srv.weight) || !r.U16(&srv.port) ||
          !r.Name(&srv.target) || r.pos() != end) {
        return Bad("bad SRV record");
      }
      rec->data = std::move(srv);
      break;
    }
    case kTypeSOA: {
      SoaData soa;
      if (!r.Name(&soa.mname) || !r.Name(&soa.rname) || !r.U32(&soa.serial) ||
          !r.U32(&soa.refresh) || !r.U32(&soa.retry) || !r.U32(&soa.expire) ||
          !r.U32(&soa.minimum) || r.pos() != end) {
        return Bad("bad SOA record");
      }
      rec->data = std::move(soa);
      break;
    }
    default: {
      RawData raw;
      if (!r.Bytes(rdlen, &raw.bytes)) return Bad("record data beyond the packet");
      rec->data = std::move(raw);
      break;
    }
  }
  return Status::Ok();
}

}  // namespace

bool DecodeHeader(const uint8_t* data, size_t size, Header* header) {
  if (data == nullptr || size < kHeaderSize) return false;
  ParseHeader(data, header);
  return true;
}

StatusOr<Message> Decode(const uint8_t* data, size_t size) {
  Message msg;
  if (!DecodeHeader(data, size, &msg.header)) return Bad("packet shorter than a header");
  Reader r(data, size);
  std::string skip;
  r.Bytes(4, &skip);
  uint16_t qd = 0, an = 0, ns = 0, ar = 0;
  r.U16(&qd);
  r.U16(&an);
  r.U16(&ns);
  r.U16(&ar);
  // Each question takes at least 5 bytes and each record at least 11: refuse counts the packet
  // cannot possibly hold before reserving anything.
  size_t min_needed = static_cast<size_t>(qd) * 5 + (static_cast<size_t>(an) + ns + ar) * 11;
  if (min_needed > r.remaining()) return Bad("section counts beyond the packet");
  msg.questions.reserve(qd);
  for (uint16_t i = 0; i < qd; ++i) {
    Question q;
    if (!r.Name(&q.name) || !r.U16(&q.type) || !r.U16(&q.klass)) return Bad("bad question");
    msg.questions.push_back(std::move(q));
  }
  std::vector<Record>* sections[3] = {&msg.answers, &msg.authority, &msg.additional};
  uint16_t counts[3] = {an, ns, ar};
  for (int s = 0; s < 3; ++s) {
    sections[s]->reserve(counts[s]);
    for (uint16_t i = 0; i < counts[s]; ++i) {
      Record rec;
      Status st = ReadRecord(r, &rec);
      if (!st.ok()) return st;
      sections[s]->push_back(std::move(rec));
    }
  }
  if (r.remaining() != 0) return Bad("trailing bytes after the last record");
  return msg;
}

// ---------------------------------------------------------------------------------------------
// Encoding

namespace {

class Writer {
 public:
  explicit Writer(std::string* buf) : buf_(buf) {}

  void U8(uint8_t v) { buf_->push_back(static_cast<char>(v)); }
  void U16(uint16_t v) {
    buf_->push_back(static_cast<char>(v >> 8));
    buf_->push_back(static_cast<char>(v & 0xff));
  }
  void U32(uint32_t v) {
    U16(static_cast<uint16_t>(v >> 16));
    U16(static_cast<uint16_t>(v & 0xffff));
  }
  void PutU16At(size_t at, uint16_t v) {
    (*buf_)[at] = static_cast<char>(v >> 8);
    (*buf_)[at + 1] = static_cast<char>(v & 0xff);
  }

  // Writes a name, reusing any suffix already written (exact bytes, so case is preserved).
  // A name that is not valid text is written as the root.
  void Name(const std::string& text) {
    if (!SplitName(text, &labels_)) labels_.clear();
    // Only names completed before this one are candidates (this one is not terminated yet).
    const size_t known = dict_.size();
    for (size_t i = 0; i < labels_.size(); ++i) {
      for (size_t d = 0; d < known; ++d) {
        uint16_t offset = dict_[d];
        if (SuffixAt(offset, i)) {
          U16(static_cast<uint16_t>(0xC000 | offset));
          return;
        }
      }
      if (buf_->size() < 0x4000) dict_.push_back(static_cast<uint16_t>(buf_->size()));
      U8(static_cast<uint8_t>(labels_[i].size()));
      buf_->append(labels_[i]);
    }
    U8(0);
  }

  void Record(const dns::Record& rec) {
    Name(rec.name);
    U16(rec.type);
    U16(rec.klass);
    U32(rec.ttl);
    size_t len_at = buf_->size();
    U16(0);
    size_t start = buf_->size();
    if (const auto* ip = std::get_if<uint32_t>(&rec.data)) {
      U32(*ip);
    } else if (const auto* nd = std::get_if<NameData>(&rec.data)) {
      Name(nd->name);
    } else if (const auto* srv = std::get_if<SrvData>(&rec.data)) {
      U16(srv->priority);
      U16(srv->weight);
      U16(srv->port);
      Name(srv->target);
    } else if (const auto* soa = std::get_if<SoaData>(&rec.data)) {
      Name(soa->mname);
      Name(soa->rname);
      U32(soa->serial);
      U32(soa->refresh);
      U32(soa->retry);
      U32(soa->expire);
      U32(soa->minimum);
    } else if (const auto* raw = std::get_if<RawData>(&rec.data)) {
      buf_->append(raw->bytes.substr(0, 0xffff));
    }
    PutU16At(len_at, static_cast<uint16_t>(buf_->size() - start));
  }

  // Whether the name written at `offset` (following our own, always backward, pointers) is
  // exactly labels_[from..].
  bool SuffixAt(size_t offset, size_t from) const {
    const std::string& b = *buf_;
    size_t p = offset;
    for (size_t k = from; k <= labels_.size(); ++k) {
      uint8_t len = static_cast<uint8_t>(b[p]);
      while ((len & 0xC0) == 0xC0) {
        p = (static_cast<size_t>(len & 0x3F) << 8) | static_cast<uint8_t>(b[p + 1]);
        len = static_cast<uint8_t>(b[p]);
      }
      if (k == labels_.size()) return len == 0;
      if (len != labels_[k].size() || b.compare(p + 1, len, labels_[k]) != 0) return false;
      p += 1 + len;
    }
    return false;
  }

  size_t size() const { return buf_->size(); }
  size_t dict_size() const { return dict_.size(); }
  // Undoes everything written after `size` bytes / `dict` dictionary entries.
  void Rewind(size_t size, size_t dict) {
    buf_->resize(size);
    dict_.resize(dict);
  }

 private:
  std::string* buf_;
  std::vector<uint16_t> dict_;  // offsets of labels written, each the start of a suffix
  std::vector<std::string> labels_;
};

}  // namespace

std::string Encode(const Message& msg, size_t max_size) {
  std::string buf;
  buf.reserve(512);
  Writer w(&buf);
  const Header& h = msg.header;
  w.U16(h.id);
  size_t flags_at = w.size();
  w.U16(0);
  w.U16(static_cast<uint16_t>(msg.questions.size()));
  size_t counts_at = w.size();
  w.U16(0);
  w.U16(0);
  w.U16(0);
  for (const Question& q : msg.questions) {
    w.Name(q.name);
    w.U16(q.type);
    w.U16(q.klass);
  }

  const dns::Record* opt = nullptr;
  for (const dns::Record& r : msg.additional) {
    if (r.type == kTypeOPT) opt = &r;
  }
  size_t opt_size = 0;
  if (opt != nullptr) {
    const auto* raw = std::get_if<RawData>(&opt->data);
    opt_size = 11 + (raw != nullptr ? raw->bytes.size() : 0);
  }
  const size_t limit = max_size > opt_size ? max_size - opt_size : 0;

  bool truncated = false;
  uint16_t counts[3] = {0, 0, 0};
  const std::vector<dns::Record>* sections[3] = {&msg.answers, &msg.authority, &msg.additional};
  for (int s = 0; s < 3 && !truncated; ++s) {
    for (const dns::Record& rec : *sections[s]) {
      if (&rec == opt) continue;
      size_t mark = w.size();
      size_t dict = w.dict_size();
      w.Record(rec);
      if (w.size() > limit) {
        w.Rewind(mark, dict);
        // Records missing from the additional section do not make the answer incomplete.
        if (s < 2) truncated = true;
        break;
      }
      ++counts[s];
    }
  }
  if (opt != nullptr) {
    w.Record(*opt);
    ++counts[2];
  }

  uint8_t f1 = static_cast<uint8_t>((h.qr ? 0x80 : 0) | ((h.opcode & 0x0F) << 3) |
                                    (h.aa ? 0x04 : 0) | (h.tc || truncated ? 0x02 : 0) | (h.rd ? 0x01 : 0));
  uint8_t f2 = static_cast<uint8_t>((h.ra ? 0x80 : 0) | (h.ad ? 0x20 : 0) | (h.cd ? 0x10 : 0) |
                                    (h.rcode & 0x0F));
  w.PutU16At(flags_at, static_cast<uint16_t>((f1 << 8) | f2));
  w.PutU16At(counts_at, counts[0]);
  w.PutU16At(counts_at + 2, counts[1]);
  w.PutU16At(counts_at + 4, counts[2]);
  return buf;
}

}  // namespace berth::dns
