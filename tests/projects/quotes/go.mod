module example.com/quotes

go 1.19

require example.com/wisdom v1.2.0
