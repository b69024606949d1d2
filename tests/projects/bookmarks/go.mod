module github.com/example/bookmarks

go 1.24

toolchain go1.24.4
