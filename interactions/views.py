from django.conf import settings
from django.core.paginator import Paginator
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render

from common.access import ADMIN, role_required
from common.uploads import UploadTooLarge, too_large_response, upload_limit

from .forms import ImportUploadForm
from .selectors import import_runs_visible_to
from .services import import_submit


@role_required(ADMIN)
@upload_limit("IMPORT_MAX_UPLOAD_BYTES")
def import_upload(request):
    form = ImportUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            run = import_submit(
                kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"], created_by=request.user, source="web"
            )
        except UploadTooLarge as exc:
            return too_large_response(request, exc)
        return redirect("import_detail", pk=run.pk)
    runs = import_runs_visible_to(fetched_by=request.user)[:5]
    context = {"form": form, "recent": runs, "max_upload_bytes": settings.IMPORT_MAX_UPLOAD_BYTES}
    return render(request, "interactions/import_upload.html", context)


@role_required(ADMIN)
def import_history(request):
    runs = import_runs_visible_to(fetched_by=request.user)
    page = Paginator(runs, 25).get_page(request.GET.get("page"))
    return render(request, "interactions/import_history.html", {"page": page})


@role_required(ADMIN)
def import_detail(request, pk):
    run = get_object_or_404(import_runs_visible_to(fetched_by=request.user), pk=pk)
    errors = run.summary.get("errors", [])
    page = Paginator(errors, 100).get_page(request.GET.get("page"))
    return render(request, "interactions/import_detail.html", {"run": run, "errors_page": page})


@role_required(ADMIN)
def import_status(request, pk):
    """Polled by the detail page while a large import runs in Celery."""
    run = get_object_or_404(import_runs_visible_to(fetched_by=request.user), pk=pk)
    return JsonResponse(
        {
            "status": run.status,
            "progress_pct": run.progress_pct,
            "rows_processed": run.rows_processed,
            "finished": run.finished_at is not None,
        }
    )
