"""Built-in reference ERP, CRM, OMS, WMS, SRM and OA systems, reached only over their APIs."""
