from django.http import JsonResponse

BOOKS = [
    {"title": "The Pragmatic Programmer", "year": 1999},
    {"title": "Structure and Interpretation of Computer Programs", "year": 1985},
]


def book_list(request):
    year = request.GET.get("since")
    books = [b for b in BOOKS if year is None or b["year"] >= int(year)]
    return JsonResponse({"books": books})
