package processor

import (
	"compress/flate"
	"errors"
	"io"
	"sync"
)

// deflaters compresses the files of export archives at flate.BestSpeed,
// reusing its writers from one archive to the next.
//
// An archive holds a manifest and one file per adapter, often a few
// hundred bytes each. At the default level, readying a compressor for a
// file clears over half a megabyte of match tables, and that, not the
// data, was most of what packing an export cost; at BestSpeed it is a
// counter's bump. The archive comes out somewhat larger for large
// exports.
type deflaters struct {
	pool sync.Pool // of *flate.Writer
}

// compressor is an archive/zip Compressor for zip.Deflate.
func (d *deflaters) compressor(w io.Writer) (io.WriteCloser, error) {
	fw, _ := d.pool.Get().(*flate.Writer)
	if fw == nil {
		var err error
		if fw, err = flate.NewWriter(w, flate.BestSpeed); err != nil {
			return nil, err
		}
	} else {
		fw.Reset(w)
	}
	return &pooledDeflater{fw: fw, pool: &d.pool}, nil
}

// pooledDeflater is one file's compressor; Close returns it to the pool.
type pooledDeflater struct {
	fw   *flate.Writer
	pool *sync.Pool
}

func (p *pooledDeflater) Write(b []byte) (int, error) {
	if p.fw == nil {
		return 0, errors.New("write to a closed file of an export archive")
	}
	return p.fw.Write(b)
}

func (p *pooledDeflater) Close() error {
	if p.fw == nil {
		return nil
	}
	err := p.fw.Close()
	p.pool.Put(p.fw)
	p.fw = nil
	return err
}
