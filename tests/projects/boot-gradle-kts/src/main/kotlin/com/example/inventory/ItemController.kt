package com.example.inventory

import org.springframework.web.bind.annotation.GetMapping
import org.springframework.web.bind.annotation.RestController

@RestController
class ItemController {
	@GetMapping("/items")
	fun items(): List<String> = listOf("bolt", "nut")
}
