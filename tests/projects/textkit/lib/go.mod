module example.com/textkit/lib

go 1.21
