module github.com/example/envcheck

go 1.21.0
