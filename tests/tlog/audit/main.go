// audit: an independent check of a goldthread log from its exported tiles, written against
// docs/VERIFYING.md, C2SP tlog-tiles/tlog-checkpoint/signed-note and RFC 6962 only, with Go's
// golang.org/x/mod/sumdb/{note,tlog} doing the cryptography (no goldthread code).
//
//	audit -dir EXPORTED_TILES -vkey VERIFIER_KEY_FILE [-stream STREAM] [-proof PROOF_JSON]
//
// It opens DIR/checkpoint with the verifier key, re-hashes every entry of every entry bundle,
// checks every hash tile against the hashes it computed, and checks that the tree's root is the
// checkpoint's. With -stream it lists that stream's events from the entries and checks that
// its versions run 1, 2, 3... without a gap. With -proof it checks an inclusion or consistency
// proof (the JSON of goldthread's proof routes) against the checkpoint. Exit 0 when all holds.
package main

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const tileWidth = 256

func fail(format string, args ...interface{}) {
	fmt.Fprintf(os.Stderr, "audit FAILED: "+format+"\n", args...)
	os.Exit(1)
}

// tilePath follows tlog-tiles: N in groups of three digits, "x" before all but the last.
func tilePath(level string, n int64, width int) string {
	s := fmt.Sprintf("%03d", n%1000)
	for n /= 1000; n > 0; n /= 1000 {
		s = fmt.Sprintf("x%03d/%s", n%1000, s)
	}
	p := "tile/" + level + "/" + s
	if width != tileWidth {
		p += ".p/" + strconv.Itoa(width)
	}
	return p
}

type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

func openCheckpoint(msg []byte, verifier note.Verifier) checkpoint {
	n, err := note.Open(msg, note.VerifierList(verifier))
	if err != nil {
		fail("the checkpoint does not verify with the key: %v", err)
	}
	lines := strings.Split(n.Text, "\n")
	if len(lines) < 4 {
		fail("the checkpoint has fewer than three lines")
	}
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 {
		fail("the checkpoint's size %q is not a number", lines[1])
	}
	raw, err := base64.StdEncoding.DecodeString(lines[2])
	if err != nil || len(raw) != tlog.HashSize {
		fail("the checkpoint's root hash is not base64 of 32 bytes")
	}
	var root tlog.Hash
	copy(root[:], raw)
	if lines[0] != verifier.Name() {
		fail("the checkpoint's origin %q is not the key's name %q", lines[0], verifier.Name())
	}
	return checkpoint{lines[0], size, root}
}

// event is what an entry (the record's canonical bytes, store/README.md) says of an event.
type event struct {
	position, streamVersion uint64
	eventID, stream, typ, actor string
	payloadSHA256               []byte
}

func parseEntry(e []byte) (event, error) {
	var ev event
	if len(e) < 36 || string(e[:4]) != "GTE1" {
		return ev, errors.New("not a GTE1 record")
	}
	ev.position = binary.BigEndian.Uint64(e[8:16])
	ev.streamVersion = binary.BigEndian.Uint64(e[16:24])
	rest := e[36:]
	var fields [7]string
	for i := range fields {
		if len(rest) < 4 {
			return ev, errors.New("cut short")
		}
		n := binary.BigEndian.Uint32(rest[:4])
		if uint32(len(rest)-4) < n {
			return ev, errors.New("cut short")
		}
		fields[i] = string(rest[4 : 4+n])
		rest = rest[4+n:]
	}
	ev.eventID, ev.stream, ev.typ, ev.actor = fields[0], fields[1], fields[2], fields[3]
	if len(rest) != 4+32 || binary.BigEndian.Uint32(rest[:4]) != 32 {
		return ev, errors.New("no 32-byte payload digest at the end")
	}
	ev.payloadSHA256 = rest[4:]
	return ev, nil
}

type proofFile struct {
	Kind      string   `json:"kind"` // "inclusion" or "consistency"
	LeafIndex int64    `json:"leaf_index"`
	TreeSize  int64    `json:"tree_size"`
	OldSize   int64    `json:"old_size"`
	OldRoot   string   `json:"old_root"`
	LeafHash  string   `json:"leaf_hash"`
	Proof     []string `json:"proof"`
}

func decodeHash(s string) tlog.Hash {
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil || len(raw) != tlog.HashSize {
		fail("%q is not base64 of a 32-byte hash", s)
	}
	var h tlog.Hash
	copy(h[:], raw)
	return h
}

func main() {
	dir := flag.String("dir", "", "folder of exported tiles (holding checkpoint and tile/)")
	vkeyFile := flag.String("vkey", "", "file holding the log's verifier key")
	stream := flag.String("stream", "", "list this stream's events and check its versions")
	proofPath := flag.String("proof", "", "an inclusion or consistency proof (JSON) to check")
	flag.Parse()
	if *dir == "" || *vkeyFile == "" {
		fail("usage: audit -dir DIR -vkey FILE [-stream STREAM] [-proof FILE]")
	}
	vkey, err := os.ReadFile(*vkeyFile)
	if err != nil {
		fail("%v", err)
	}
	verifier, err := note.NewVerifier(strings.TrimSpace(string(vkey)))
	if err != nil {
		fail("the verifier key is not valid: %v", err)
	}
	msg, err := os.ReadFile(filepath.Join(*dir, "checkpoint"))
	if err != nil {
		fail("%v", err)
	}
	cp := openCheckpoint(msg, verifier)

	// Re-hash every entry, building every stored hash of the tree (Go's own layout).
	var stored []tlog.Hash
	reader := tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			if x >= int64(len(stored)) {
				return nil, fmt.Errorf("hash %d not computed", x)
			}
			out[i] = stored[x]
		}
		return out, nil
	})
	var events []event
	var n int64
	for bundle := int64(0); n < cp.size; bundle++ {
		width := int(cp.size - bundle*tileWidth)
		if width > tileWidth {
			width = tileWidth
		}
		data, err := os.ReadFile(filepath.Join(*dir, tilePath("entries", bundle, width)))
		if err != nil {
			fail("entry bundle %d: %v", bundle, err)
		}
		for k := 0; k < width; k++ {
			if len(data) < 2 {
				fail("entry bundle %d holds %d entries, not %d", bundle, k, width)
			}
			l := int(binary.BigEndian.Uint16(data[:2]))
			if len(data) < 2+l {
				fail("entry bundle %d is cut short", bundle)
			}
			entry := data[2 : 2+l]
			data = data[2+l:]
			hashes, err := tlog.StoredHashes(n, entry, reader)
			if err != nil {
				fail("%v", err)
			}
			stored = append(stored, hashes...)
			ev, err := parseEntry(entry)
			if err != nil {
				fail("entry %d: %v", n, err)
			}
			if ev.position != uint64(n+1) {
				fail("entry %d says it is at position %d", n, ev.position)
			}
			events = append(events, ev)
			n++
		}
		if len(data) != 0 {
			fail("entry bundle %d holds more than %d entries", bundle, width)
		}
	}

	// Every hash tile agrees with the hashes computed from the entries.
	tiles := 0
	for level := 0; level < 8; level++ {
		count := cp.size >> (8 * level) // hashes complete at tree level 8·level
		if count == 0 {
			break
		}
		for t := int64(0); t*tileWidth < count; t++ {
			width := int(count - t*tileWidth)
			if width > tileWidth {
				width = tileWidth
			}
			data, err := os.ReadFile(filepath.Join(*dir, tilePath(strconv.Itoa(level), t, width)))
			if err != nil {
				fail("hash tile %d/%d: %v", level, t, err)
			}
			if len(data) != width*tlog.HashSize {
				fail("hash tile %d/%d has %d bytes, not %d", level, t, len(data), width*tlog.HashSize)
			}
			for k := 0; k < width; k++ {
				want := stored[tlog.StoredHashIndex(8*level, t*tileWidth+int64(k))]
				if !bytes.Equal(data[k*tlog.HashSize:(k+1)*tlog.HashSize], want[:]) {
					fail("hash tile %d/%d: hash %d does not match the entries", level, t, k)
				}
			}
			tiles++
		}
	}
	root, err := tlog.TreeHash(cp.size, reader)
	if cp.size == 0 {
		root = tlog.Hash(sha256Empty())
	} else if err != nil {
		fail("%v", err)
	}
	if root != cp.root {
		fail("the tree's root %s is not the checkpoint's %s", root, cp.root)
	}
	fmt.Printf("audit OK: %s, %d entries re-hashed, %d hash tiles agree, root %s matches the signed checkpoint\n",
		cp.origin, cp.size, tiles, base64.StdEncoding.EncodeToString(root[:]))

	if *stream != "" {
		var want uint64 = 1
		for _, ev := range events {
			if ev.stream != *stream {
				continue
			}
			if ev.streamVersion != want {
				fail("stream %s: version %d at position %d, expected %d (a gap)", *stream, ev.streamVersion, ev.position, want)
			}
			fmt.Printf("  %s v%d at %d: %s by %s, payload sha256 %x\n", ev.stream, ev.streamVersion, ev.position, ev.typ, ev.actor, ev.payloadSHA256)
			want++
		}
		if want == 1 {
			fail("stream %s has no events in this log", *stream)
		}
		fmt.Printf("stream OK: %s has versions 1..%d with no gap\n", *stream, want-1)
	}

	if *proofPath != "" {
		raw, err := os.ReadFile(*proofPath)
		if err != nil {
			fail("%v", err)
		}
		var p proofFile
		if err := json.Unmarshal(raw, &p); err != nil {
			fail("the proof is not JSON: %v", err)
		}
		var proof []tlog.Hash
		for _, s := range p.Proof {
			proof = append(proof, decodeHash(s))
		}
		switch p.Kind {
		case "inclusion":
			if p.TreeSize != cp.size {
				fail("the proof is for tree size %d, the checkpoint is %d", p.TreeSize, cp.size)
			}
			if err := tlog.CheckRecord(tlog.RecordProof(proof), p.TreeSize, cp.root, p.LeafIndex, decodeHash(p.LeafHash)); err != nil {
				fail("inclusion proof of leaf %d: %v", p.LeafIndex, err)
			}
			fmt.Printf("proof OK: leaf %d is in the tree of size %d\n", p.LeafIndex, p.TreeSize)
		case "consistency":
			if p.TreeSize != cp.size {
				fail("the proof is for tree size %d, the checkpoint is %d", p.TreeSize, cp.size)
			}
			if err := tlog.CheckTree(tlog.TreeProof(proof), p.TreeSize, cp.root, p.OldSize, decodeHash(p.OldRoot)); err != nil {
				fail("consistency proof from size %d: %v", p.OldSize, err)
			}
			fmt.Printf("proof OK: the tree of size %d extends the tree of size %d\n", p.TreeSize, p.OldSize)
		default:
			fail("unknown proof kind %q", p.Kind)
		}
	}
}

// sha256Empty is SHA-256 of no bytes: RFC 6962's root of the empty tree (Go's tlog returns
// zeros for it, which the checkpoint of an empty goldthread log does not hold).
func sha256Empty() [32]byte {
	return [32]byte{0xe3, 0xb0, 0xc4, 0x42, 0x98, 0xfc, 0x1c, 0x14, 0x9a, 0xfb, 0xf4, 0xc8, 0x99,
		0x6f, 0xb9, 0x24, 0x27, 0xae, 0x41, 0xe4, 0x64, 0x9b, 0x93, 0x4c, 0xa4, 0x95, 0x99, 0x1b,
		0x78, 0x52, 0xb8, 0x55}
}
