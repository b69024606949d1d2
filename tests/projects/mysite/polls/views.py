from django.http import HttpResponse, JsonResponse

from .models import Question


def index(request):
    latest = Question.objects.order_by("-pub_date")[:5]
    names = ", ".join(q.question_text for q in latest) or "no polls yet"
    return HttpResponse(f"Polls: {names}")


def healthz(request):
    return JsonResponse({"status": "ok"})
