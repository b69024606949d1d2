module example.com/textkit/cli

go 1.21

require example.com/textkit/lib v0.0.0-00010101000000-000000000000
