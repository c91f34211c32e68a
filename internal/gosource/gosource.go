// Package gosource parses the module's own Go files, for tests that check the code
// itself: that every catalogue key written in it exists, and that no user-facing sentence
// is written outside the catalogue.
package gosource

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// File is one parsed Go file of the module.
type File struct {
	Dir  string // its directory relative to the module root, slash-separated ("room")
	Fset *token.FileSet
	AST  *ast.File
}

// Files parses every Go file of the module (test files too when withTests), skipping
// hidden directories, testdata and node_modules. A file that does not parse fails the
// test: the compiler would refuse it anyway.
func Files(t testing.TB, withTests bool) []File {
	t.Helper()
	root := ModuleRoot(t)
	var out []File
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "testdata" || d.Name() == "node_modules") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || !withTests && strings.HasSuffix(path, "_test.go") {
			return nil
		}
		fset := token.NewFileSet()
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(root, filepath.Dir(path))
		out = append(out, File{Dir: filepath.ToSlash(rel), Fset: fset, AST: f})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return out
}

// ModuleRoot is the directory of the go.mod above the test's working directory.
func ModuleRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("no go.mod above the test")
		}
		dir = parent
	}
}
