module github.com/example/cfib

go 1.19
